package dev.kerf.recorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The guest OS images of examples/guest, built by its Makefile (a no-op when up to date). */
final class GuestImages {
    private GuestImages() {}

    static Path root() {
        String root = System.getProperty("kerf.root");
        if (root == null) throw new IllegalStateException("kerf.root is not set: run the tests through Maven");
        return Path.of(root);
    }

    /** examples/guest/build/kernel.elf; initrd.tar sits beside it. */
    static synchronized Path kernel() throws IOException, InterruptedException {
        Path dir = root().resolve("examples/guest");
        Process make = new ProcessBuilder("make", "-s", "-C", dir.toString()).inheritIO().start();
        if (make.waitFor() != 0) throw new IllegalStateException("make -C " + dir + " failed");
        Path kernel = dir.resolve("build/kernel.elf");
        if (!Files.isRegularFile(kernel)) throw new IllegalStateException(kernel + " was not built");
        return kernel;
    }
}
