package dev.kerf.emulator.introspect.linux;

import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.replay.EventSource;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.recording.Recording;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A developer's entry point until {@code kerf trace --syscalls} knows Linux: replays a recording
 * with a {@link LinuxSyscallObserver} attached and prints its calls as strace lines, one per call
 * in entry order ({@code [pid N] write(1, "hi\n", 3) = 3}), signal deliveries at their icount,
 * and a summary on stderr. Usage: {@code java -cp cli/target/kerf.jar dev.kerf.emulator.introspect.linux.LinuxStrace
 * [--bare] REC} ({@code --bare}: the same replay without the observer, to time its cost).
 */
public final class LinuxStrace {
    /** What one replay showed. */
    public record Trace(LinuxSyscallObserver observer, ReplayResult result, double seconds) {
        /** The strace text: one line per call and signal, by icount. */
        public List<String> lines() {
            StraceText text = new StraceText(observer.table());
            List<Object[]> items = new ArrayList<>();
            for (LinuxCall c : observer.calls()) {
                long at = c.entryIcount() >= 0 ? c.entryIcount() : c.exitIcount();
                items.add(new Object[] {at, "[" + c.task().label() + "] " + text.line(c)});
            }
            for (LinuxSignal s : observer.signals()) items.add(new Object[] {s.icount(), "[" + s.task().label() + "] " + text.signalLine(s)});
            items.sort((a, b) -> Long.compare((Long) a[0], (Long) b[0])); // stable: calls before signals at one icount
            List<String> out = new ArrayList<>();
            for (Object[] i : items) out.add((String) i[1]);
            return out;
        }
    }

    private LinuxStrace() {}

    /** Replays {@code recording} (directory or packed file) with the observer attached. */
    public static Trace of(Path recording, int captureLimit) throws IOException {
        return of(recording, captureLimit, true);
    }

    /** As above; without {@code observe} the same replay runs with no hook (to measure the observer's cost). */
    static Trace of(Path recording, int captureLimit, boolean observe) throws IOException {
        try (Recording opened = Recording.open(recording);
             JournalReader journal = JournalReader.open(opened.journalDir())) {
            Replayer replayer = new Replayer(ReplayBoot.of(opened), EventSource.of(journal), OutputStream.nullOutputStream());
            LinuxSyscallObserver observer = new LinuxSyscallObserver(LinuxSyscalls.i386(),
                    new GuestMemory(replayer.cpu().memory), captureLimit);
            if (observe) observer.attach(replayer.cpu().hooks);
            long t0 = System.nanoTime(); // host time only for the summary, never in the deterministic area
            ReplayResult r = replayer.run();
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (r.outcome() == ReplayResult.Outcome.DIVERGED) throw new IOException(recording + ": the replay diverged: " + r.divergence().message());
            observer.finish(replayer.cpu());
            return new Trace(observer, r, seconds);
        }
    }

    public static void main(String[] args) throws IOException {
        boolean bare = args.length == 2 && args[0].equals("--bare");
        if (args.length != 1 && !bare) {
            System.err.println("usage: LinuxStrace [--bare] RECORDING   (--bare: the same replay without the observer, timed)");
            System.exit(2);
        }
        Trace t = of(Path.of(args[args.length - 1]), 4096, !bare);
        if (bare) {
            System.err.printf("LinuxStrace --bare: %d instructions in %.2f s%n", t.result().icount(), t.seconds());
            return;
        }
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        for (String line : t.lines()) out.println(line);
        out.flush();
        LinuxSyscallObserver o = t.observer();
        System.err.printf("LinuxStrace: %d calls, %d tasks, %d signals, %d kernel entries from user mode, %d returns unexplained;"
                + " %d instructions in %.2f s%n", o.calls().size(), o.tasks().size(), o.signals().size(), o.userEntries(),
                o.unexplainedReturns(), t.result().icount(), t.seconds());
    }
}
