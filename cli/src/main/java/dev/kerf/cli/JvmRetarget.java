package dev.kerf.cli;

import dev.kerf.formats.slice.Slice;
import dev.kerf.retargeter.jvm.JvmRetargetException;
import dev.kerf.retargeter.jvm.JvmRetargetResult;
import dev.kerf.retargeter.jvm.JvmRetargeter;
import dev.kerf.slicer.SliceFiles;
import dev.kerf.slicer.privacy.DerivedPrivacy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code --to jvm} branch of {@code kerf retarget}: a process slice of a minijvm process in,
 * a verified, scanned JVM log (.kjvm) out. Exit 0: written; 4: not a process slice or not a
 * minijvm process, or the output cannot be written; 12: the slice is damaged; 16: the slice does
 * not replay (nothing written).
 */
final class JvmRetarget {
    private JvmRetarget() {}

    /**
     * Retargets {@code source} (already read: {@code RetargetCommand} reads the slice once for every
     * level) to {@code output} ({@code -}: stdout); {@code secrets} are the {@code --secret} values the
     * final scan searches the finished file for.
     */
    static int run(Slice source, String output, List<String> secrets, HostIo io) throws IOException {
        checkOutput(output);
        long started = System.nanoTime();
        DerivedPrivacy privacy = DerivedPrivacy.of(source, RetargetCommand.secretSet(secrets));
        JvmRetargetResult r;
        try {
            r = JvmRetargeter.retarget(source, privacy, Path.of(output));
        } catch (JvmRetargetException e) {
            throw new KerfException(e.diverged() ? ExitCode.DIVERGED : ExitCode.BAD_INPUT, e.getMessage());
        }
        SliceFiles.publish(r.file(), output, io.out());
        var log = r.log();
        io.err().printf("kerf retarget: JVM log of %s (%d classes, %d bytes of class files; %d native calls; %s): %d bytes from a"
                        + " %d-byte process slice (%d user instructions replayed) in %.2f s%n",
                Printable.escape(privacy.clean(log.mainClass().replace('/', '.'))), log.classes().size(), log.classBytes(), log.natives().size(), ending(log.outcome()),
                r.bytes().length, r.sourceBytes(), r.userInstructions(), (System.nanoTime() - started) / 1e9);
        RetargetCommand.privacyLine(io, privacy);
        io.err().flush();
        return ExitCode.OK.code();
    }

    private static String ending(dev.kerf.retargeter.jvm.JvmOutcome o) {
        if (o.exitStatus() < 0) return "the slice ends before the program did";
        return o.uncaught() != null ? "uncaught " + Printable.escape(o.uncaughtType()) + ", exit status " + o.exitStatus() : "exit status " + o.exitStatus();
    }

    /** Refuses an output that cannot be written before any work is done. */
    static void checkOutput(String output) {
        if (SliceFiles.STDIO.equals(output)) return;
        Path dir = Path.of(output).toAbsolutePath().getParent();
        if (Files.isDirectory(Path.of(output))) throw new KerfException(ExitCode.BAD_INPUT, output + ": is a directory");
        if (dir == null || !Files.isDirectory(dir)) throw new KerfException(ExitCode.BAD_INPUT, output + ": no such directory " + dir);
        if (!Files.isWritable(dir)) throw new KerfException(ExitCode.BAD_INPUT, output + ": directory " + dir + " is not writable");
    }
}
