package dev.kerf.cli;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.replay.Divergence;
import dev.kerf.emulator.replay.EventSource;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.recording.Recording;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens a recording (directory or packed file) and replays it with analyses attached, with the
 * exit-code rules of {@code kerf replay}: a divergence is exit 16 and nothing computed from the
 * replay is trusted; a cut-short recording replays to its last batch and is exit 18 after the
 * caller has printed what it saw. For the commands built on replay ({@code ps}, {@code trace});
 * {@link ReplayCommand} keeps its own copy of the opening code until its owner moves it here.
 */
final class ReplaySession {
    /** What the analysis sees when the replay ends: the CPU in its final state, and how it ended. */
    interface Analysis {
        /** Called once the machine is booted, before the first instruction: register hooks on {@code cpu}. */
        void attach(Cpu cpu);

        /** Called after the run (complete or cut short; never after a divergence). */
        void finish(Cpu cpu, ReplayResult result);
    }

    private ReplaySession() {}

    /**
     * Replays {@code recording} with {@code analysis} attached. Returns the result of a replay that
     * verified (COMPLETE or CUT_SHORT); throws the DIVERGED {@link KerfException} otherwise, after
     * printing the divergent registers on {@code err}.
     */
    static ReplayResult replay(Path recording, Analysis analysis, HostIo io) throws IOException {
        try (Recording opened = Recording.open(recording);
             JournalReader journal = JournalReader.open(opened.journalDir())) {
            Replayer replayer = new Replayer(ReplayBoot.of(opened), EventSource.of(journal), null);
            analysis.attach(replayer.cpu());
            ReplayResult r = replayer.run();
            if (r.outcome() == ReplayResult.Outcome.DIVERGED) {
                Divergence d = r.divergence();
                io.err().println("kerf: registers: " + d.registers());
                throw new KerfException(ExitCode.DIVERGED, d.message() + " (nothing of this replay is shown: it is not trusted)");
            }
            analysis.finish(replayer.cpu(), r);
            return r;
        }
    }

    /** For a cut-short replay: the exit-18 failure, to throw after the output was written. */
    static KerfException cutShort(Path recording, ReplayResult r) {
        return new KerfException(ExitCode.CUT_SHORT, recording + ": the recording was cut short (no End event: its"
                + " recorder was stopped abruptly); the output covers all " + r.events() + " events to icount " + r.icount());
    }
}
