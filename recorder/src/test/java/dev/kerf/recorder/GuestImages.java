package dev.kerf.recorder;

import dev.kerf.testkit.HostPackages;
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
    static Path kernel() throws IOException, InterruptedException {
        return make("guest", "kernel.elf");
    }

    /** The sample capture for scenario=net (examples/guest: make pcap). */
    static Path netSample() throws IOException, InterruptedException {
        HostPackages.require(HostPackages.PYTHON3); // make pcap runs pcap-feed.py
        return make("guest", "net-sample.pcap", "pcap");
    }

    /** A kernel of examples/hello (hello.elf, triple.elf). */
    static Path hello(String file) throws IOException, InterruptedException {
        return make("hello", file);
    }

    private static synchronized Path make(String example, String file, String... targets) throws IOException, InterruptedException {
        Path dir = root().resolve("examples").resolve(example);
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("make", "-s", "-C", dir.toString()));
        cmd.addAll(java.util.List.of(targets));
        Process make = new ProcessBuilder(cmd).inheritIO().start();
        if (make.waitFor() != 0) throw new IllegalStateException("make -C " + dir + " failed");
        Path kernel = dir.resolve("build").resolve(file);
        if (!Files.isRegularFile(kernel)) throw new IllegalStateException(kernel + " was not built");
        return kernel;
    }
}
