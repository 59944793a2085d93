package dev.kerf.cli;

import dev.kerf.emulator.replay.Divergence;
import dev.kerf.emulator.replay.EventSource;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.recording.Recording;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kerf replay}: re-executes a recording on CPU and RAM alone and checks it step by step. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay a recording (a directory or a packed file) on CPU and RAM alone.", "",
                "No device models and no disk image: the journal answers every port read, RDTSC and interrupt."
                + " Prints the guest's console output byte for byte (unless --quiet), checks every state hash and"
                + " a final hash of registers and RAM, and ends with a summary on stderr. Exit 0: replayed to the"
                + " end and verified; 16: diverged (the report says where); 18: the recording was cut short (its"
                + " recorder was killed) and was replayed to its last complete batch.", ""})
public final class ReplayCommand implements Callable<Integer> {
    private final HostIo io;

    @Parameters(index = "0", paramLabel = "REC", description = "Recording directory or packed file.")
    Path recording;

    @Option(names = {"-q", "--quiet"}, description = "Do not print the guest's console output.")
    boolean quiet;

    public ReplayCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        try (Recording opened = Recording.open(recording); // a packed file's temporary copy goes on close
             JournalReader journal = JournalReader.open(opened.journalDir())) {
            ReplayBoot boot = ReplayBoot.of(opened);
            long started = System.nanoTime();
            ReplayResult r;
            try {
                r = new Replayer(boot, EventSource.of(journal), quiet ? null : io.out()).run();
            } finally {
                io.out().flush();
            }
            summary(r, System.nanoTime() - started);
            return exitCode(r);
        }
    }

    private void summary(ReplayResult r, long nanos) {
        double seconds = nanos / 1e9;
        io.err().printf("kerf replay: %d instructions, %d events, %d state hashes matched, %.2f s, %.1f MIPS%n",
                r.icount(), r.events(), r.stateHashes(), seconds, seconds > 0 ? r.icount() / seconds / 1e6 : 0.0);
    }

    private int exitCode(ReplayResult r) {
        switch (r.outcome()) {
            case COMPLETE:
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
