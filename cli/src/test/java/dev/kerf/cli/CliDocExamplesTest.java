package dev.kerf.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Issue 8: every example in docs/cli.md runs as documented. Each line of a fenced block that starts
 * with {@code $ } is a command; they run in document order in one directory (so later examples use
 * the files earlier ones made), through bash (pipes work as written), with {@code kerf} on the PATH
 * running this build's classes and {@code examples} linked to the repository's examples. A trailing
 * {@code # exit N} gives the documented exit status (default 0). The lines that follow a command in
 * its block are what it printed: the first one's words before its first number must appear in the
 * real output, so an example whose message changed fails here.
 */
class CliDocExamplesTest {
    /** One documented command: its text, expected status, the first output line shown (or null), and its line in cli.md. */
    record Example(String command, int exit, String shown, int line) {}

    private static final Pattern EXIT = Pattern.compile("\\s+#\\s*exit\\s+(\\d+)\\s*$");

    @Test
    void everyExampleInCliMdRunsAsDocumented(@TempDir Path dir) throws Exception {
        Path root = Examples.root();
        List<Example> examples = parse(Files.readAllLines(root.resolve("docs/cli.md")));
        assertThat(examples).as("examples in docs/cli.md").hasSizeGreaterThan(20);
        Files.createSymbolicLink(dir.resolve("examples"), root.resolve("examples"));
        Path bin = Files.createDirectories(dir.resolve(".bin"));
        writeLauncher(bin.resolve("kerf"), root);
        List<String> failures = new ArrayList<>();
        for (Example e : examples) {
            String problem = run(e, dir, bin);
            if (problem != null) failures.add("docs/cli.md:" + e.line() + ": " + e.command() + "\n    " + problem);
        }
        if (!failures.isEmpty()) fail(failures.size() + " of " + examples.size() + " examples fail:\n" + String.join("\n", failures));
    }

    /** The {@code $ } lines of fenced blocks, in order. */
    static List<Example> parse(List<String> lines) {
        List<Example> out = new ArrayList<>();
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (!fenced || !l.startsWith("$ ")) continue;
            String cmd = l.substring(2);
            int exit = 0;
            Matcher m = EXIT.matcher(cmd);
            if (m.find()) {
                exit = Integer.parseInt(m.group(1));
                cmd = cmd.substring(0, m.start());
            }
            String next = i + 1 < lines.size() ? lines.get(i + 1) : "```";
            String shown = next.startsWith("$ ") || next.startsWith("```") || next.startsWith("...") ? null : next;
            out.add(new Example(cmd.strip(), exit, shown, i + 1));
        }
        return out;
    }

    /** Null when the example behaved as documented, else what went wrong. */
    private static String run(Example e, Path dir, Path bin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", e.command()).directory(dir.toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Path log = Files.createTempFile(dir, ".out", ".txt");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return "did not finish in 5 minutes";
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        if (p.exitValue() != e.exit()) return "exit " + p.exitValue() + ", documented " + e.exit() + "; output:\n" + indent(out);
        String words = e.shown() == null ? "" : leadingWords(e.shown());
        if (!words.isEmpty() && !out.contains(words)) return "output lacks \"" + words + "\" (documented: " + e.shown().strip() + "); output:\n" + indent(out);
        return null;
    }

    /** The shown line up to its first digit or "...", trimmed; what stays the same when counts and times change. */
    static String leadingWords(String shown) {
        int cut = 0;
        while (cut < shown.length() && !Character.isDigit(shown.charAt(cut)) && !shown.startsWith("...", cut)) cut++;
        return shown.substring(0, cut).strip();
    }

    private static String indent(String s) {
        String[] ls = s.split("\n");
        StringBuilder b = new StringBuilder();
        for (int i = Math.max(0, ls.length - 12); i < ls.length; i++) b.append("      ").append(ls[i]).append('\n');
        return b.toString();
    }

    /** A {@code kerf} that runs this build's classes with the build's JVM flags, as ./kerf runs the jar. */
    private static void writeLauncher(Path script, Path root) throws IOException {
        String flags = Files.readString(root.resolve("cli/target/kerf.jvmflags")).strip();
        String text = "#!/usr/bin/env bash\nexec java -Xss8m -Dkerf.root='" + root + "' " + flags + " -cp '"
                + System.getProperty("java.class.path") + "' dev.kerf.cli.Kerf \"$@\"\n";
        Files.writeString(script, text);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
