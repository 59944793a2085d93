package dev.kerf.cli;

import dev.kerf.emulator.replay.Divergence;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.emulator.snapshot.CheckpointStore;
import dev.kerf.emulator.snapshot.CheckpointedReplay;
import dev.kerf.formats.recording.Recording;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kerf replay}: re-executes a recording on CPU and RAM alone and checks it step by step. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay a recording (a directory or a packed file) on CPU and RAM alone.", "",
                "No device models and no disk image: the journal answers every port read, RDTSC and interrupt."
                + " Prints the guest's console output byte for byte (unless --quiet), checks every state hash and"
                + " a final hash of registers and RAM, and ends with a summary on stderr. Exit 0: replayed to the"
                + " end and verified; 16: diverged (the report says where); 18: the recording was cut short (its"
                + " recorder was killed) and was replayed to its last complete batch.", "",
                "--from/--to replay a window: the replay starts at the nearest checkpoint at or before --from"
                + " (made by an earlier --checkpoint-every; kept in REC/checkpoints, or FILE.checkpoints for a packed"
                + " file), runs quietly to --from and prints the window's console output. Checkpoints are a cache:"
                + " a damaged, unreadable or edited one (each is checked against the recording's state hash at its"
                + " icount) is skipped with a warning naming it, and the output and exit status are the same without"
                + " them.", ""})
public final class ReplayCommand implements Callable<Integer> {
    private final HostIo io;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REC", description = "Recording directory or packed file, or a slice (FILE.kslice, - for stdin).")
    Path recording;

    @Option(names = {"-q", "--quiet"}, description = "Do not print the guest's console output.")
    boolean quiet;

    @Option(names = "--from", paramLabel = "ICOUNT", converter = CountConverter.class,
            description = "Start of the window (instructions retired; 12.5M, 3G...). Default: the start.")
    Long from;

    @Option(names = "--to", paramLabel = "ICOUNT", converter = CountConverter.class,
            description = "End of the window: stop once this many instructions have retired. Default: the end.")
    Long to;

    @Option(names = "--checkpoint-every", paramLabel = "N", converter = CountConverter.class,
            description = "Leave a checkpoint every N instructions (rounded up to the recording's state-hash interval),"
                    + " where there is none yet, for later --from seeks.")
    Long checkpointEvery;

    public ReplayCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        if (SliceInput.isSlice(recording)) {
            if (from != null || to != null || checkpointEvery != null) throw usage("--from, --to and --checkpoint-every apply to recordings, not slices");
            return SliceReplay.run(io, recording, quiet, GlobalOptions.of(spec).stdinLimit());
        }
        long lo = from == null ? 0 : from, hi = to == null ? Long.MAX_VALUE : to;
        if (lo > hi) throw usage("the window is empty: --from " + lo + " is after --to " + hi);
        if (checkpointEvery != null && checkpointEvery <= 0) throw usage("--checkpoint-every must be at least 1");
        try (Recording opened = Recording.open(recording); // a packed file's temporary copy goes on close
             CheckpointStore store = from != null || checkpointEvery != null ? CheckpointStore.forSource(recording, opened.dir()) : null) {
            ReplayBoot boot = ReplayBoot.of(opened);
            if (from != null || to != null) checkWindow(opened, lo, hi);
            long started = System.nanoTime();
            try (CheckpointedReplay replay = CheckpointedReplay.open(boot, opened.journalDir(), store, lo,
                    quiet ? null : io.out())) {
                if (checkpointEvery != null) replay.writeCheckpoints(store, checkpointEvery);
                ReplayResult r;
                try {
                    r = window(replay.replayer(), lo, hi);
                    // a replay resumed from a checkpoint that diverges is not believed: again without it
                    while (replay.fallBack(r)) r = window(replay.replayer(), lo, hi);
                } finally {
                    io.out().flush();
                }
                replay.warnings().forEach(w -> io.err().println("kerf: warning: " + Printable.escape(w)));
                summary(r, System.nanoTime() - started, replay);
                return exitCode(r);
            }
        }
    }

    /** Seeks quietly to {@code lo}, then replays to {@code hi} (or the end) with the console on. */
    private static ReplayResult window(Replayer replayer, long lo, long hi) {
        if (lo > replayer.cpu().icount) {
            replayer.mute(true);
            replayer.stopAt(lo);
            ReplayResult r = replayer.run();
            if (r.outcome() != ReplayResult.Outcome.STOPPED) return r;
            replayer.mute(false);
        }
        replayer.stopAt(hi);
        return replayer.run();
    }


    private void checkWindow(Recording opened, long lo, long hi) throws IOException {
        long end = opened.lastIcount();
        if (lo > end) throw usage("--from " + lo + " is past the end of " + recording + " (" + end + " instructions)");
        if (hi != Long.MAX_VALUE && hi > end) {
            throw usage("--to " + hi + " is past the end of " + recording + " (" + end + " instructions)");
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private void summary(ReplayResult r, long nanos, CheckpointedReplay replay) {
        double seconds = nanos / 1e9;
        long ran = r.icount() - replay.resumedAt();
        io.err().printf("kerf replay: %d instructions, %d events, %d state hashes matched, %.2f s, %.1f MIPS%s%s%n",
                r.icount(), r.events(), r.stateHashes(), seconds, seconds > 0 ? ran / seconds / 1e6 : 0.0,
                replay.resumedAt() > 0 ? String.format(" (resumed at the checkpoint at icount %d)", replay.resumedAt()) : "",
                replay.checkpointsWritten() > 0 ? String.format(", %d checkpoints written", replay.checkpointsWritten()) : "");
    }

    private int exitCode(ReplayResult r) {
        switch (r.outcome()) {
            case COMPLETE:
            case STOPPED:
                return ExitCode.OK.code();
            case CUT_SHORT:
                throw new KerfException(ExitCode.CUT_SHORT, recording + ": the recording was cut short (no End event:"
                        + " its recorder was stopped abruptly); replayed all " + r.events() + " events to icount " + r.icount());
            default:
                Divergence d = r.divergence();
                io.err().println("kerf: registers: " + d.registers());
                throw new KerfException(ExitCode.DIVERGED, d.message());
        }
    }
}
