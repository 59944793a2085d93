package dev.kerf.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The example kernels of examples/hello, built by its Makefile on first use. */
final class Examples {
    private Examples() {}

    static Path root() {
        String root = System.getProperty("kerf.root");
        if (root == null) {
            throw new IllegalStateException("kerf.root is not set: run the tests through Maven");
        }
        return Path.of(root);
    }

    static synchronized Path hello(String file) throws IOException, InterruptedException {
        Path dir = root().resolve("examples/hello");
        Process make = new ProcessBuilder("make", "-s", "-C", dir.toString()).inheritIO().start();
        if (make.waitFor() != 0) {
            throw new IllegalStateException("make -C " + dir + " failed");
        }
        Path p = dir.resolve("build").resolve(file);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " was not built");
        }
        return p;
    }
}
