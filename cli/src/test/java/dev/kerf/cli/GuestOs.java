package dev.kerf.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The guest OS of examples/guest (built by its Makefile on first use) and the kerf options that boot it. */
final class GuestOs {
    private GuestOs() {}

    static synchronized Path kernel() throws IOException, InterruptedException {
        Path dir = Examples.root().resolve("examples/guest");
        Process make = new ProcessBuilder("make", "-s", "-C", dir.toString()).inheritIO().start();
        if (make.waitFor() != 0) throw new IllegalStateException("make -C " + dir + " failed");
        Path kernel = dir.resolve("build/kernel.elf");
        if (!Files.isRegularFile(kernel)) throw new IllegalStateException(kernel + " was not built");
        return kernel;
    }

    /** {@code verb [verbArgs] KERNEL --module initrd.tar --mem 32M [--append A]} */
    static String[] args(List<String> verbArgs, String append) throws IOException, InterruptedException {
        Path kernel = kernel();
        List<String> a = new ArrayList<>(verbArgs);
        a.addAll(List.of(kernel.toString(), "--module", kernel.resolveSibling("initrd.tar").toString(), "--mem", "32M",
                "--max-insns", "2G"));
        if (!append.isEmpty()) a.addAll(List.of("--append", append));
        return a.toArray(String[]::new);
    }
}
