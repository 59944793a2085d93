package dev.kerf.bench;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;
import dev.kerf.emulator.machine.Machine;
import dev.kerf.emulator.machine.MachineConfig;
import dev.kerf.emulator.machine.MachineTap;
import dev.kerf.emulator.machine.RunResult;
import dev.kerf.emulator.snapshot.CheckpointStore;
import dev.kerf.formats.journal.Position;
import dev.kerf.formats.checkpoint.PageStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Checkpoint sizes (issue 5, must-show 4): the guest OS's selftest scenario under the virtual
 * clock, a checkpoint every N instructions, and the bytes they take: on disk (page dedup, zero
 * pages skipped, trailing zeros of a page not stored), as they would with 4 KiB per distinct page
 * (dedup and zero-page skipping only), with zero-page skipping only (every non-zero page stored in
 * every checkpoint), and with neither (every checkpoint a full RAM image). Usage:
 * {@code CheckpointBench --root REPO [--every 1000000,4000000] [--scenario selftest] [--ram MiB]}.
 * The guest must be built ({@code make -C examples/guest}).
 */
public final class CheckpointBench {
    private CheckpointBench() {}

    /** Totals over one run's checkpoints. */
    private static final class Totals {
        int checkpoints;
        long fileBytes, pagesNamed, newPages, nanos;
        RunResult result;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".");
        String every = "1000000,4000000";
        String scenario = "selftest";
        int ramMiB = 32;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]);
                case "--every" -> every = args[++i];
                case "--scenario" -> scenario = args[++i];
                case "--ram" -> ramMiB = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: CheckpointBench [--root DIR] [--every N,M,...] [--scenario NAME] [--ram MiB]");
                    System.exit(2);
                }
            }
        }
        Path kernel = root.resolve("examples/guest/build/kernel.elf");
        int ram = ramMiB << 20;
        System.out.printf(Locale.ROOT, "scenario=%s, RAM %d MiB, virtual clock%n", scenario, ramMiB);
        System.out.printf(Locale.ROOT, "%10s %6s %14s %14s %14s %14s %12s %10s%n", "every", "ckpts", "on disk",
                "dedup+zero", "zero-skip only", "full RAM", "disk/ckpt", "ms/ckpt");
        for (String n : every.split(",")) {
            long interval = Long.parseLong(n.trim());
            Path dir = Files.createTempDirectory("kerf-ckbench");
            try {
                Totals t = run(kernel, scenario, ram, interval, dir);
                long metadata = t.fileBytes;                      // checkpoint files: header, CPU, page maps
                long dedup = metadata + t.newPages * PageStore.PAGE_SIZE;
                long zeroOnly = metadata + t.pagesNamed * PageStore.PAGE_SIZE;
                long full = (long) t.checkpoints * ram;
                long onDisk = du(dir);
                System.out.printf(Locale.ROOT, "%10d %6d %14s %14s %14s %14s %12s %10.1f%n", interval, t.checkpoints, mib(onDisk),
                        mib(dedup), mib(zeroOnly), mib(full), mib(onDisk / Math.max(1, t.checkpoints)),
                        t.nanos / 1e6 / Math.max(1, t.checkpoints));
                System.out.printf(Locale.ROOT, "%10s checkpoint files %s (%.0f KiB each), pages named %d (%.0f per checkpoint),"
                                + " pages stored %d, page pack %s; run ended at icount %d (%s)%n", "",
                        mib(metadata), metadata / 1024.0 / Math.max(1, t.checkpoints), t.pagesNamed,
                        t.pagesNamed / (double) Math.max(1, t.checkpoints), t.newPages, mib(onDisk - metadata), t.result.icount(),
                        t.result.reason());
            } finally {
                delete(dir);
            }
        }
    }

    private static Totals run(Path kernel, String scenario, int ram, long interval, Path dir) throws IOException {
        MachineConfig config = new MachineConfig(kernel, "scenario=" + scenario,
                List.of(new MachineConfig.Module(kernel.resolveSibling("initrd.tar"), "initrd.tar")), ram, true,
                null, null, null, 0, null, OutputStream.nullOutputStream());
        CheckpointStore store = CheckpointStore.open(dir, new byte[32]);
        Totals t = new Totals();
        MachineTap tap = new MachineTap() {
            private Cpu cpu;

            @Override public CpuBus wrap(CpuBus live) { return live; }

            @Override public void attach(Cpu cpu) { this.cpu = cpu; }

            @Override public long nextBoundary() { return (cpu.icount / interval + 1) * interval; }

            @Override
            public boolean sliceEnded() {
                if (cpu.icount % interval != 0 || cpu.icount == 0) return true;
                long start = System.nanoTime();
                try {
                    CheckpointStore.Written w = store.write(Position.START, cpu);
                    t.checkpoints++;
                    t.fileBytes += w.fileBytes();
                    t.pagesNamed += w.pages();
                    t.newPages += w.newPages();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                t.nanos += System.nanoTime() - start;
                return true;
            }
        };
        try (Machine m = Machine.boot(config, tap)) {
            t.result = m.run();
        }
        return t;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / 1048576.0);
    }

    private static long du(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.delete(p);
        }
    }
}
