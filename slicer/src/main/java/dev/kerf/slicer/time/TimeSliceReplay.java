package dev.kerf.slicer.time;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuState;
import dev.kerf.emulator.replay.Divergence;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.emulator.replay.StateHasher;
import dev.kerf.emulator.snapshot.CpuStateCodec;
import dev.kerf.formats.FormatException;
import dev.kerf.formats.slice.EventsSection;
import dev.kerf.formats.slice.FinalHash;
import dev.kerf.formats.slice.RamSection;
import dev.kerf.formats.slice.Section;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceHeader;
import dev.kerf.formats.slice.SliceKind;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * The replay of a time slice (docs/slicing.md): a {@link Replayer} on a fresh CPU and RAM put in
 * the state at the window's start (registers, RAM, replay state), fed the window's events, every
 * StateHash in the window verified, stopped at the window's end, where the full registers+RAM
 * hash must match. Nothing before the window is replayed. Other stages may attach to
 * {@link #replayer()} (hooks, mute) between {@link #open} and {@link #run}.
 */
public final class TimeSliceReplay {
    private final Slice slice;
    private final Replayer replayer;
    private final long from, to;
    private final FinalHash end;
    /** StateHash events in the window: all of them are verified when the replay verifies. */
    private final long hashesInWindow;

    private TimeSliceReplay(Slice slice, Replayer replayer, long from, long to, FinalHash end, long hashesInWindow) {
        this.slice = slice;
        this.replayer = replayer;
        this.from = from;
        this.to = to;
        this.end = end;
        this.hashesInWindow = hashesInWindow;
    }

    /**
     * Checks the slice's sections and builds the replay at the window's start.
     *
     * @param console where the guest's console output in the window goes, or null
     * @throws FormatException naming the file and offset when the slice is damaged or inconsistent
     * @throws IOException     when the slice's RAM does not fit this JVM
     */
    public static TimeSliceReplay open(Slice slice, OutputStream console) throws IOException {
        SliceHeader h = slice.header();
        if (h.kind() != SliceKind.TIME) throw new IllegalArgumentException("not a time slice: " + h.kind().jsonName());
        long from = h.longParameter("from", -1), to = h.longParameter("to", -1);
        if (from < 0 || to <= from) throw new FormatException(slice.file(), -1, "time slice window " + from + ".." + to + " is empty or negative");
        if (h.stateHashEvery() <= 0) throw new FormatException(slice.file(), -1, "stateHashEvery must be positive");
        long free = Runtime.getRuntime().maxMemory() - (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
        if (h.ramBytes() > free - (64L << 20))
            throw new IOException(String.format("%s: the sliced machine has %d MiB of RAM, more than this JVM can hold (%d MiB free;"
                    + " raise -Xmx)", slice.file(), h.ramBytes() >> 20, free >> 20));
        EventsSection events = EventsSection.decode(slice, slice.only(SectionType.EVENTS));
        Section fh = slice.only(SectionType.FINAL_HASH);
        FinalHash end = FinalHash.decode(slice, fh);
        if (end.icount() != to) throw slice.fail(fh, 0, "final hash at icount " + end.icount() + ", the window ends at " + to);
        ReplayBoot boot = new ReplayBoot(h.ramBytes(), "slice", new byte[0], "", List.of(), h.stateHashEvery(), h.stickyPorts());
        Replayer r = new Replayer(boot, new SliceEventSource(events.events(), events.firstEvent(), slice.file()), events.inBlock(), console);
        RamSection.place(slice, slice.only(SectionType.RAM), r.cpu().memory.array());
        r.cpu().memory.written(0, r.cpu().memory.size()); // the RAM hash must see the placed pages
        Section cpu = slice.only(SectionType.CPU);
        CpuState state = new CpuStateCodec().decode(cpu.data(), slice.file(), cpu.dataOffset());
        if (state.icount() != from) throw slice.fail(cpu, 0, "CPU state at icount " + state.icount() + ", the window starts at " + from);
        state.restore(r.cpu());
        Section rs = slice.only(SectionType.REPLAY_STATE);
        try {
            r.restoreCheckpointState(rs.data());
        } catch (IllegalArgumentException e) {
            throw slice.fail(rs, 0, e.getMessage());
        }
        r.stopAt(to);
        long hashes = events.events().stream().filter(e -> e instanceof dev.kerf.formats.journal.Event.StateHash).count();
        return new TimeSliceReplay(slice, r, from, to, end, hashes);
    }

    public Replayer replayer() { return replayer; }

    public long from() { return from; }

    public long to() { return to; }

    /** StateHash events in the window, each verified by a replay that verifies (plus the final full hash). */
    public long hashesInWindow() { return hashesInWindow; }

    /**
     * Replays the window. STOPPED: verified, every StateHash and the final full hash matched;
     * DIVERGED: the first mismatch (a wrong final hash is one, at the window's end).
     */
    public ReplayResult run() {
        ReplayResult r = replayer.run();
        Cpu cpu = replayer.cpu();
        switch (r.outcome()) {
            case STOPPED -> {
                long actual = StateHasher.fullFlat(cpu); // slice format 1: the flat hash (formats.md §9.5)
                if (cpu.icount == to && actual == end.hash()) return r;
                return diverged(r, String.format("the final (registers and RAM) hash 0x%016x at icount %d", end.hash(), to),
                        String.format("0x%016x at icount %d", actual, cpu.icount));
            }
            case DIVERGED -> { return r; }
            default -> {
                return diverged(r, "the window to run to icount " + to, "its events ended at icount " + cpu.icount);
            }
        }
    }

    private ReplayResult diverged(ReplayResult r, String expected, String actual) {
        Cpu cpu = replayer.cpu();
        long verifiedAt = r.divergence() != null ? r.divergence().verifiedAt() : Math.max(from, lastVerified(cpu.icount));
        Divergence d = new Divergence(r.events(), "the end of the window of " + slice.file(), cpu.icount, cpu.eip, expected, actual,
                registers(cpu), verifiedAt);
        return new ReplayResult(ReplayResult.Outcome.DIVERGED, r.icount(), r.events(), r.stateHashes(), r.consoleBytes(), null,
                r.exitStatus(), d);
    }

    private long lastVerified(long icount) {
        return icount - icount % replayer.stateHashEvery();
    }

    private static String registers(Cpu cpu) {
        String[] names = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.length; i++) b.append(String.format("%s=%08x ", names[i], cpu.reg[i]));
        return b.append(String.format("eip=%08x eflags=%08x cpl=%d cr3=%08x", cpu.eip, cpu.getEflags(), cpu.cpl, cpu.cr3)).toString();
    }
}
