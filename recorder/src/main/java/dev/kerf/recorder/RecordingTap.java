package dev.kerf.recorder;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;
import dev.kerf.emulator.machine.MachineTap;
import dev.kerf.emulator.machine.RunResult;
import dev.kerf.emulator.replay.StateHasher;
import dev.kerf.formats.journal.EndReason;
import dev.kerf.formats.journal.Event;

import dev.kerf.formats.recording.Manifest;

import java.io.IOException;
import java.util.List;

/**
 * Puts a {@link RecordingBus} between the CPU and the live machine and adds the meta events:
 * a StateHash of the registers at every multiple of {@code hashEvery} instructions (the machine's
 * slices are made to end exactly there, so the replay recomputes it at the same icount), and at
 * the end a StateHash of registers and RAM followed by End. The journal is flushed at every
 * StateHash and at least every {@link #FLUSH_NANOS} of host time at a slice boundary, which
 * bounds what a killed recorder loses.
 */
public final class RecordingTap implements MachineTap {
    /** Host time between journal flushes at most (plus one host slice). */
    static final long FLUSH_NANOS = 100_000_000L;

    private final EventLog log;
    private final long hashEvery;
    private final List<Integer> stickyPorts;
    /** Host time the recording started: End carries the host duration (display only). */
    private final long startNanos = System.nanoTime();
    private RecordingBus bus;
    private Cpu cpu;
    private long nextMark;
    private long lastFlush = System.nanoTime();

    /** With the default sticky ports ({@link Manifest#DEFAULT_STICKY_PORTS}). */
    public RecordingTap(EventSink sink, long hashEvery) {
        this(sink, hashEvery, Manifest.DEFAULT_STICKY_PORTS);
    }

    /** @param stickyPorts ports logged only when their value changes (as the manifest records them) */
    public RecordingTap(EventSink sink, long hashEvery, List<Integer> stickyPorts) {
        if (hashEvery <= 0) throw new IllegalArgumentException("hashEvery must be positive, not " + hashEvery);
        this.log = new EventLog(sink);
        this.hashEvery = hashEvery;
        this.nextMark = hashEvery;
        this.stickyPorts = List.copyOf(stickyPorts);
    }

    @Override
    public CpuBus wrap(CpuBus live) {
        bus = new RecordingBus(live, log, stickyPorts);
        return bus;
    }

    @Override
    public void attach(Cpu cpu) {
        this.cpu = cpu;
        bus.attach(cpu);
        log.attach(cpu);
    }

    @Override
    public long nextBoundary() {
        return nextMark;
    }

    @Override
    public boolean sliceEnded() {
        if (cpu.icount == nextMark) {
            log.append(new Event.StateHash(nextMark, StateHasher.registers(cpu)));
            nextMark += hashEvery;
            flush();
        } else if (System.nanoTime() - lastFlush > FLUSH_NANOS) {
            flush();
        }
        return log.failure() == null;
    }

    private void flush() {
        log.flush();
        lastFlush = System.nanoTime();
    }

    /**
     * Appends the final full-state hash and End for how the run ended, and flushes. The batch is
     * flushed first so both land in one excerpt: a reader never sees the final hash without End.
     */
    public void finish(RunResult result) {
        log.flush();
        log.append(new Event.StateHash(cpu.icount, StateHasher.full(cpu)));
        long hostMillis = (System.nanoTime() - startNanos) / 1_000_000;
        log.append(new Event.End(cpu.icount, reason(result.reason()), result.exitStatus(), hostMillis));
        log.flush();
    }

    static EndReason reason(RunResult.Reason r) {
        return switch (r) {
            case EXIT -> EndReason.GUEST_EXIT;
            case MAX_INSNS -> EndReason.MAX_INSNS;
            case TRIPLE_FAULT -> EndReason.TRIPLE_FAULT;
            case HALTED_FOREVER -> EndReason.HALTED_FOREVER;
            case STOPPED -> EndReason.STOPPED;
            case RESET -> EndReason.GUEST_RESET;
        };
    }

    /** The first journal write failure, or null: when set, the guest was stopped and the recording is incomplete. */
    public IOException failure() {
        return log.failure();
    }

    /** Events appended so far. */
    public long events() {
        return log.total();
    }

    @Override
    public String toString() {
        return "the recorder" + (log.failure() == null ? "" : " (journal write failed: " + log.failure().getMessage() + ")");
    }
}
