package dev.kerf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;
import dev.kerf.emulator.mmu.PhysicalMemory;
import dev.kerf.emulator.replay.Divergence;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.snapshot.CheckpointedReplay;
import dev.kerf.formats.recording.Recording;
import dev.kerf.emulator.snapshot.Checkpoint;
import dev.kerf.emulator.snapshot.CheckpointStore;
import dev.kerf.formats.checkpoint.CheckpointFile;
import dev.kerf.formats.checkpoint.PageStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 (5b, 6): checkpoints are a cache, so no checkpoint directory — however damaged,
 * misshapen or deliberately edited with its CRCs and page hashes recomputed — changes what
 * {@code kerf replay --from} prints or its exit code. Each case is built here from the exact
 * damage; the reference is the same replay with no checkpoints at all.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class CheckpointCacheTest {
    @TempDir
    static Path tmp;
    /** A selftest recording with a checkpoint at every 256Ki instructions. */
    private static Path rec;
    /** The last checkpoint's icount: --from there resumes at it (and a replay to the end is short). */
    private static long from;
    /** The previous checkpoint's icount: where a replay falls back to when the last one is refused. */
    private static long previous;
    private static Cli.Outcome reference;
    private static int copies;
    /** Header (84 bytes), CPU section, replay-state section and the first page-map entries of a checkpoint file. */
    private static final int HEAD = 768;

    @BeforeAll
    static void recordAndCheckpoint() throws Exception {
        rec = tmp.resolve("selftest.kerf");
        // checkpoints every 256Ki instructions: a fallback to the previous one replays little
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString(), "--hash-every", "256Ki"), "scenario=selftest"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        Cli.Outcome w = Cli.run("", "replay", "-q", rec.toString(), "--checkpoint-every", "256Ki");
        assertThat(w.exitCode()).as(w.err()).isZero();
        List<Path> cps = checkpointFiles(rec);
        assertThat(cps.size()).isGreaterThanOrEqualTo(3);
        from = icountOf(cps.get(cps.size() - 1));
        previous = icountOf(cps.get(cps.size() - 2));

        Path bare = copy();
        deleteTree(bare.resolve(CheckpointStore.DIR));
        reference = replay(bare);
        assertThat(reference.exitCode()).as(reference.err()).isZero();
        assertThat(reference.out()).isNotEmpty(); // the window prints: a fallback must not print it twice
        Cli.Outcome good = replay(rec);
        assertThat(good.err()).contains("resumed at the checkpoint at icount " + from).doesNotContain("warning");
        assertSame(good);
    }

    private static Cli.Outcome replay(Path recording, String... more) {
        List<String> args = new ArrayList<>(List.of("replay", recording.toString(), "--from", Long.toString(from)));
        args.addAll(List.of(more));
        return Cli.run("", args.toArray(String[]::new));
    }

    /** Same exit code, same console output, same summary counts as the replay without checkpoints. */
    private static void assertSame(Cli.Outcome o) {
        assertThat(o.exitCode()).as(o.err()).isEqualTo(reference.exitCode());
        assertThat(o.out()).as(o.err()).isEqualTo(reference.out());
        assertThat(summary(o)).as(o.err()).isEqualTo(summary(reference));
    }

    /** stderr without warnings, timings and where the replay resumed. */
    private static List<String> summary(Cli.Outcome o) {
        return o.err().lines().filter(l -> !l.startsWith("kerf: warning:"))
                .map(l -> l.replaceAll(", [0-9.]+ s, [0-9.]+ MIPS", "").replaceAll(" \\(resumed at the checkpoint at icount \\d+\\)", ""))
                .toList();
    }

    private static Path last(Path recording) {
        return recording.resolve(CheckpointStore.DIR).resolve(CheckpointFile.fileName(from));
    }

    @Test
    void aCheckpointWithTamperedRegistersAndRecomputedCrcsIsIgnored() throws IOException {
        Path copy = copy();
        forge(copy, cpu -> cpu.reg[Cpu.EBX] ^= 0x100);
        Cli.Outcome o = replay(copy);
        assertSame(o);
        assertThat(o.err()).contains("kerf: warning: checkpoint " + last(copy)
                + ": restored state does not match the recording's state hash at icount " + from + "; ignored")
                .contains("resumed at the checkpoint at icount " + previous);
    }

    @Test
    void aCheckpointWithTamperedCodeBytesAndRecomputedHashesIsIgnored() throws IOException {
        Path copy = copy();
        forge(copy, cpu -> { // every page in use: the first non-zero byte of each changes (code, stacks, page tables)
            byte[] ram = cpu.memory.array();
            for (int p = 0; p < ram.length; p += PageStore.PAGE_SIZE) {
                for (int i = p; i < p + PageStore.PAGE_SIZE; i++) {
                    if (ram[i] != 0) {
                        ram[i]++;
                        break;
                    }
                }
            }
        });
        Cli.Outcome o = replay(copy);
        assertSame(o);
        assertThat(o.err()).contains("kerf: warning: checkpoint " + last(copy) + ": the replay resumed from it diverged")
                .contains("resumed at the checkpoint at icount " + previous);
    }

    @Test
    void aCheckpointWithAnUnusedRamByteSetIsCaughtByTheFinalHashAndPrintsNothingTwice() throws IOException {
        Path copy = copy();
        forge(copy, cpu -> {
            byte[] ram = cpu.memory.array();
            assertThat(ram[ram.length - 1]).isZero(); // the last page is free: nothing reads it
            ram[ram.length - 1] = 1;
        });
        Cli.Outcome o = replay(copy);
        assertSame(o); // the window's output was printed once, before the final hash caught the edit
        assertThat(o.err()).contains("kerf: warning: checkpoint " + last(copy) + ": the replay resumed from it diverged")
                .contains("final (registers and RAM)").contains("resumed at the checkpoint at icount " + previous)
                .doesNotContain("differ from the recording's");
    }

    @Test
    void aDirectoryWhereACheckpointShouldBeIsSkipped() throws IOException {
        Path copy = copy();
        Files.delete(last(copy));
        Files.createDirectory(last(copy));
        Files.writeString(last(copy).resolve("x"), "x");
        expectSkipped(copy, "a directory, not a regular file");
    }

    @Test
    void aSymbolicLinkToDevZeroIsNotFollowed() throws IOException {
        Path copy = copy();
        Files.delete(last(copy));
        Files.createSymbolicLink(last(copy), Path.of("/dev/zero"));
        expectSkipped(copy, "a symbolic link, not a regular file");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // opening a fifo blocks
    void aFifoWhereACheckpointShouldBeIsNotOpened() throws Exception {
        Path copy = copy();
        Files.delete(last(copy));
        Process p = new ProcessBuilder("mkfifo", last(copy).toString()).inheritIO().start();
        assertThat(p.waitFor()).isZero();
        expectSkipped(copy, "a device, fifo or socket, not a regular file");
    }

    @Test
    void aTruncatedCheckpointIsSkipped() throws IOException {
        Path copy = copy();
        byte[] b = Files.readAllBytes(last(copy));
        Files.write(last(copy), java.util.Arrays.copyOf(b, b.length / 2));
        expectSkipped(copy, "runs past the end of the file");
    }

    @Test
    void anUnreadableCheckpointIsSkipped() throws IOException {
        Path copy = copy();
        Files.setPosixFilePermissions(last(copy), java.util.Set.of());
        Cli.Outcome o = replay(copy);
        assertSame(o);
        if (!Files.isReadable(last(copy))) { // not as root: root reads it anyway, and it is good
            assertThat(o.err()).contains("kerf: warning: checkpoint " + last(copy)).contains("cannot read");
        }
    }

    private static void expectSkipped(Path copy, String why) {
        Cli.Outcome o = replay(copy);
        assertSame(o);
        assertThat(o.err()).contains("kerf: warning: checkpoint " + last(copy)).contains(why).contains("; ignored")
                .contains("resumed at the checkpoint at icount " + previous);
    }

    @Test
    void aPlainFileNamedCheckpointsHoldsNoCheckpointsAndTakesNone() throws IOException {
        Path copy = copy();
        deleteTree(copy.resolve(CheckpointStore.DIR));
        Files.writeString(copy.resolve(CheckpointStore.DIR), "not a directory");
        Cli.Outcome o = replay(copy);
        assertSame(o);
        assertThat(o.err()).contains("kerf: warning: checkpoint directory " + copy.resolve(CheckpointStore.DIR)
                + ": not a directory; no checkpoint used").doesNotContain("resumed");
        Cli.Outcome writing = replay(copy, "--checkpoint-every", "256Ki");
        assertSame(writing);
        assertThat(writing.err()).contains("kerf: warning: checkpoints are no longer written");
        assertThat(Files.readString(copy.resolve(CheckpointStore.DIR))).isEqualTo("not a directory");
    }

    @Test
    void aPagePackThatIsADirectoryIsLeftAloneAndNoCheckpointIsUsed() throws IOException {
        Path copy = copy();
        Path pack = copy.resolve(CheckpointStore.DIR).resolve(CheckpointStore.PAGES);
        Files.delete(pack);
        Files.createDirectory(pack);
        Cli.Outcome o = replay(copy);
        assertSame(o);
        assertThat(o.err()).contains("kerf: warning: checkpoint " + last(copy)).contains(pack + ": a directory, not a page pack")
                .doesNotContain("resumed");
        assertThat(pack).isDirectory();
    }

    /**
     * Random single-byte edits, seeded: of the last checkpoint file with every CRC recomputed (half
     * of them in its first {@value #HEAD} bytes: header, CPU and replay state), or of one RAM byte
     * with the page hashes and CRCs recomputed (a forger's checkpoint). The result never changes.
     * Bounded to about 8 s (at least 6 cases); {@code -Dkerf.tamperSeconds=240} runs a long sweep
     * (234 cases at the time of writing: 199 refused or fallen back from, 35 harmless edits —
     * the CRC field itself, CPU fields no hash covers that the guest never uses again — none
     * changed the result).
     */
    @Test
    void noSingleByteEditWithItsChecksumsFixedChangesTheResult() throws IOException {
        Path copy = copy();
        Path file = last(copy);
        byte[] original = Files.readAllBytes(file);
        Random random = new Random(13);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.getLong("kerf.tamperSeconds", 8));
        int cases = 0, refused = 0;
        while (cases < Integer.getInteger("kerf.tamperCases", 200) && (cases < 6 || System.nanoTime() < deadline)) {
            String what;
            int kind = random.nextInt(10);
            if (kind < 7) {
                byte[] b = original.clone();
                // most in the header, CPU and replay state: the page map is most of the file
                int at = random.nextInt(kind < 5 ? Math.min(b.length, HEAD) : b.length);
                b[at] ^= (byte) (1 + random.nextInt(255));
                fixCrcs(b);
                Files.write(file, b);
                what = "file byte " + at;
            } else {
                int[] picked = new int[1];
                long seed = random.nextLong();
                forge(copy, cpu -> {
                    Random r = new Random(seed);
                    byte[] ram = cpu.memory.array();
                    int at = r.nextInt(ram.length);
                    for (int tries = 0; tries < 64 && ram[at] == 0 && r.nextBoolean(); tries++) at = r.nextInt(ram.length);
                    ram[at] ^= (byte) (1 + r.nextInt(255));
                    picked[0] = at;
                });
                what = "RAM byte " + picked[0];
            }
            Cli.Outcome o = replay(copy);
            assertThat(o.exitCode()).as(what + ": " + o.err()).isEqualTo(reference.exitCode());
            assertThat(o.out()).as(what + ": " + o.err()).isEqualTo(reference.out());
            assertThat(summary(o)).as(what).isEqualTo(summary(reference));
            if (!o.err().contains("resumed at the checkpoint at icount " + from)) refused++;
            Files.write(file, original);
            cases++;
        }
        assertThat(cases).isGreaterThanOrEqualTo(6);
        assertThat(refused).isPositive();
    }

    /** {@code kerf slice --time} seeks through the same checks: a tampered checkpoint changes no byte of the slice. */
    @Test
    void aTimeSliceThroughATamperedCheckpointIsTheSliceMadeWithoutCheckpoints() throws IOException {
        Path a = copyTo(tmp.resolve("slice-a").resolve("selftest.kerf"));
        Path b = copyTo(tmp.resolve("slice-b").resolve("selftest.kerf"));
        deleteTree(b.resolve(CheckpointStore.DIR));
        forge(a, cpu -> cpu.reg[Cpu.ESI] ^= 1);
        String window = from + ".." + (from + 1);
        Cli.Outcome sa = Cli.run("", "slice", a.toString(), "--time", window, "-o", a.resolveSibling("w.kslice").toString());
        Cli.Outcome sb = Cli.run("", "slice", b.toString(), "--time", window, "-o", b.resolveSibling("w.kslice").toString());
        assertThat(sa.exitCode()).as(sa.err()).isZero();
        assertThat(sb.exitCode()).as(sb.err()).isZero();
        assertThat(sa.err()).contains("kerf: warning: checkpoint " + last(a)
                + ": restored state does not match the recording's state hash at icount " + from + "; ignored");
        assertThat(Files.readAllBytes(a.resolveSibling("w.kslice"))).isEqualTo(Files.readAllBytes(b.resolveSibling("w.kslice")));
    }

    /**
     * A divergence after resuming is not believed: the replay runs again from the previous
     * checkpoint, then from the start (a recording that itself diverges costs at most three runs),
     * and a divergence of a replay from the start stands.
     */
    @Test
    void aDivergenceFallsBackToAnEarlierCheckpointThenToTheStartThenStands() throws IOException {
        try (Recording opened = Recording.open(rec); CheckpointStore store = CheckpointStore.open(rec);
             CheckpointedReplay replay = CheckpointedReplay.open(ReplayBoot.of(opened), opened.journalDir(), store, from, null)) {
            assertThat(replay.resumedAt()).isEqualTo(from);
            Divergence d = new Divergence(1, "here", from + 1, 0, "this", "that", "", from);
            ReplayResult diverged = new ReplayResult(ReplayResult.Outcome.DIVERGED, from + 1, 1, 1, 0, null, -1, d);
            ReplayResult stopped = new ReplayResult(ReplayResult.Outcome.STOPPED, from, 1, 1, 0, null, -1, null);
            assertThat(replay.fallBack(stopped)).isFalse();
            assertThat(replay.fallBack(diverged)).isTrue();
            assertThat(replay.resumedAt()).isEqualTo(previous);
            assertThat(replay.fallBack(diverged)).isTrue();
            assertThat(replay.resumedAt()).isZero();
            assertThat(replay.fallBack(diverged)).isFalse();
            assertThat(replay.warnings()).hasSize(2).allMatch(w -> w.contains("the replay resumed from it diverged"));
            assertThat(replay.warnings().get(1)).contains(CheckpointFile.fileName(previous)).endsWith("from the start; ignored");
        }
    }

    // --- crafting damage ---

    /** Rewrites the last checkpoint as a forger would: state edited, page hashes and CRCs recomputed. */
    private static void forge(Path recording, Consumer<Cpu> edit) throws IOException {
        try (CheckpointStore store = CheckpointStore.open(recording)) {
            Checkpoint c = store.nearest(from).orElseThrow();
            assertThat(c.icount()).isEqualTo(from);
            Cpu cpu = new Cpu(new PhysicalMemory(c.header().ramBytes()), new CpuBus() {
                @Override public int in(int port, int size) { return 0; }
                @Override public void out(int port, int size, int value) {}
                @Override public boolean interruptRequested() { return false; }
                @Override public int acknowledgeInterrupt() { return 0; }
                @Override public long readTsc(long icount) { return icount; }
            });
            c.restore(cpu, cpu.memory);
            edit.accept(cpu);
            store.write(c.icount(), c.position(), cpu, cpu.memory, c.devices());
        }
    }

    /** Recomputes the header CRC and every section CRC of a checkpoint file's bytes (formats.md §8), as far as they parse. */
    static void fixCrcs(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (b.length < 84) return;
        buf.putInt(80, crc(b, 0, 80));
        int at = 84;
        while (at + 5 <= b.length) {
            long length = buf.getInt(at + 1) & 0xFFFFFFFFL;
            if (at + 5 + length + 4 > b.length) return;
            buf.putInt(at + 5 + (int) length, crc(b, at, 5 + (int) length));
            at += 9 + (int) length;
        }
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    private static long icountOf(Path f) {
        return Long.parseLong(f.getFileName().toString().substring(0, 20));
    }

    private static List<Path> checkpointFiles(Path recording) throws IOException {
        try (Stream<Path> s = Files.list(recording.resolve(CheckpointStore.DIR))) {
            return s.filter(p -> p.toString().endsWith(CheckpointFile.SUFFIX)).sorted().toList();
        }
    }

    private static Path copy() throws IOException {
        return copyTo(tmp.resolve("copy" + (++copies) + ".kerf"));
    }

    private static Path copyTo(Path to) throws IOException {
        try (Stream<Path> s = Files.walk(rec)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(rec.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
        return to;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
