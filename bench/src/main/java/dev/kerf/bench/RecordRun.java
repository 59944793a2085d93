package dev.kerf.bench;

import dev.kerf.emulator.machine.Machine;
import dev.kerf.emulator.machine.RunResult;
import dev.kerf.emulator.replay.EventSource;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.emulator.replay.StateHasher;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.recording.Recording;
import dev.kerf.recorder.Recorder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * kerf's three ways to run a workload in this JVM, each timed around the run alone (boot and
 * recording setup excluded) in wall time and in the CPU time of the thread that runs the guest:
 * plain {@code Machine.run()} (what {@code kerf run} does), {@link Recorder} (what
 * {@code kerf record} does: the same machine plus the recording tap and the journal writer), and
 * {@link Replayer} over the journal just written (what {@code kerf replay} does).
 */
final class RecordRun {
    /**
     * One timed run; {@code console} is what the guest printed; {@code endHashCpu} (plain runs
     * only, not inside {@code cpuNanos}) is the CPU time of the registers+RAM hash the recorder
     * writes at the end of every recording, measured on the plain run's final state.
     */
    record Sample(long icount, long nanos, long cpuNanos, String console, long endHashCpu) {
        Sample(long icount, long nanos, long cpuNanos, String console) {
            this(icount, nanos, cpuNanos, console, 0);
        }
    }

    /** One recording: its timing, where it is, and the journal bytes the recorder counted. */
    record Recorded(Sample sample, Path dir, long events, long journalBytes) {}

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private RecordRun() {}

    static Sample run(RecWorkload w) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Machine m = Machine.boot(w.config(out))) {
            long c0 = THREADS.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            RunResult r = m.run();
            long nanos = System.nanoTime() - t0, cpu = THREADS.getCurrentThreadCpuTime() - c0;
            check(w, r);
            long h0 = THREADS.getCurrentThreadCpuTime();
            StateHasher.full(m.cpu());
            long hash = THREADS.getCurrentThreadCpuTime() - h0;
            return new Sample(r.icount(), nanos, cpu, out.toString(StandardCharsets.ISO_8859_1), hash);
        }
    }

    static Recorded record(RecWorkload w, Path dir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Recorder rec = Recorder.start(dir, w.config(out), "bench", Recorder.DEFAULT_HASH_EVERY)) {
            long c0 = THREADS.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            Recorder.Outcome o = rec.run();
            long nanos = System.nanoTime() - t0, cpu = THREADS.getCurrentThreadCpuTime() - c0;
            if (o.failure() != null) throw new IllegalStateException(w.name() + ": journal write failed: " + o.failure());
            check(w, o.run());
            Sample s = new Sample(o.run().icount(), nanos, cpu, out.toString(StandardCharsets.ISO_8859_1));
            return new Recorded(s, dir, o.events(), o.journalBytes());
        }
    }

    /** Replays {@code rec} and checks it completed and printed what the recording printed. */
    static Sample replay(RecWorkload w, Recorded rec) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Recording recording = Recording.open(rec.dir());
             JournalReader journal = JournalReader.open(recording.journalDir())) {
            Replayer replayer = new Replayer(ReplayBoot.of(recording), EventSource.of(journal), out);
            long c0 = THREADS.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            ReplayResult r = replayer.run();
            long nanos = System.nanoTime() - t0, cpu = THREADS.getCurrentThreadCpuTime() - c0;
            String console = out.toString(StandardCharsets.ISO_8859_1);
            if (r.outcome() != ReplayResult.Outcome.COMPLETE)
                throw new IllegalStateException(w.name() + ": replay ended " + r.outcome() + " at icount " + r.icount());
            if (!console.equals(rec.sample().console()) || r.icount() != rec.sample().icount())
                throw new IllegalStateException(w.name() + ": replay printed or counted something else than the recording");
            return new Sample(r.icount(), nanos, cpu, console);
        }
    }

    private static void check(RecWorkload w, RunResult r) {
        if (r.reason() != RunResult.Reason.EXIT)
            throw new IllegalStateException(w.name() + " ended with " + r + " instead of a guest exit");
    }
}
