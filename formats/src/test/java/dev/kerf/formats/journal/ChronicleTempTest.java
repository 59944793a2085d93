package dev.kerf.formats.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 (found by the fuzz campaign): the first journal a JVM writes must leave nothing in the
 * temporary directory. Chronicle Queue's first use used to create {@code $TMPDIR/target} when no
 * build directory was above the working directory (the journal is now written without Chronicle;
 * the test stays, for whatever writes it). A fresh child JVM, working directory and temporary
 * directory of its own: after it wrote and closed a journal, its temporary and working directories
 * are empty.
 */
class ChronicleTempTest {
    @TempDir Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void writingAJournalLeavesTheTemporaryDirectoryEmpty() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp")), cwd = Files.createDirectory(dir.resolve("cwd"));
        for (Path up = cwd; up != null; up = up.getParent()) { // Chronicle would find and use such a directory
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isDirectory(up.resolve("target")) || Files.isDirectory(up.resolve("build")),
                    "a build directory above the test's working directory: " + up);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments())
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle")) cmd.add(a);
        cmd.add("-Djava.io.tmpdir=" + tmp);
        // the class path's directories copied out of the build tree: nothing of it above the child
        List<String> cp = new ArrayList<>();
        int k = 0;
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path from = Path.of(e);
            if (!Files.isDirectory(from)) {
                cp.add(e);
                continue;
            }
            Path to = dir.resolve("cp" + k++);
            try (Stream<Path> all = Files.walk(from)) {
                for (Path f : (Iterable<Path>) all::iterator) {
                    Path t = to.resolve(from.relativize(f).toString());
                    if (Files.isDirectory(f)) Files.createDirectories(t);
                    else Files.copy(f, t);
                }
            }
            cp.add(to.toString());
        }
        cmd.add("-cp");
        cmd.add(String.join(java.io.File.pathSeparator, cp));
        cmd.add(OneJournalMain.class.getName());
        cmd.add(dir.resolve("journal").toString());
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(dir.resolve("journal")).isDirectory();
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("left in the temporary directory").isEmpty();
        }
        try (Stream<Path> left = Files.list(cwd)) {
            assertThat(left).as("left in the working directory").isEmpty();
        }
    }

    /** Child: writes and closes one small journal. */
    public static final class OneJournalMain {
        public static void main(String[] args) throws Exception {
            try (JournalWriter w = JournalWriter.create(Path.of(args[0]))) {
                for (int i = 0; i < 100; i++) w.append(KilledWriterMain.event(i));
            }
        }
    }
}
