package dev.kerf.emulator.cpu.decode;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root for tests: system property kerf.root (set by Surefire), else walk up to README/pom + docs. */
final class RepoRoot {
    private RepoRoot() {}

    static Path find() {
        String prop = System.getProperty("kerf.root");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop, "docs"))) return Path.of(prop);
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("docs")) && Files.exists(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("emulator")))
                return d;
        }
        throw new IllegalStateException("cannot find the kerf repository root above " + dir + " (set -Dkerf.root)");
    }
}
