package dev.kerf.emulator.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;
import dev.kerf.emulator.cpu.CpuState;
import dev.kerf.emulator.cpu.ResetState;
import dev.kerf.emulator.mmu.PhysicalMemory;
import dev.kerf.formats.checkpoint.CheckpointData;
import dev.kerf.formats.checkpoint.CheckpointFile;
import dev.kerf.formats.checkpoint.CheckpointHeader;
import dev.kerf.formats.journal.Position;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing, finding and loading checkpoints; corrupt ones are skipped with a warning, never trusted, and rebuilt by the next write. */
class CheckpointStoreTest {
    private static final int RAM = 1 << 20;
    private static final byte[] ID = id(1);

    @TempDir Path tmp;

    private static byte[] id(int seed) {
        byte[] b = new byte[32];
        b[0] = (byte) seed;
        return b;
    }

    private static Cpu cpu() {
        Cpu cpu = new Cpu(new PhysicalMemory(RAM), new CpuBus() {
            @Override public int in(int port, int size) { return 0; }
            @Override public void out(int port, int size, int value) {}
            @Override public boolean interruptRequested() { return false; }
            @Override public int acknowledgeInterrupt() { return 0; }
            @Override public long readTsc(long icount) { return icount; }
        });
        ResetState.enterFlatProtectedMode(cpu);
        return cpu;
    }

    /** A CPU at {@code icount} whose registers and RAM say which icount they belong to. */
    private static Cpu at(Cpu cpu, long icount) {
        cpu.icount = icount;
        cpu.reg[Cpu.EAX] = (int) icount;
        cpu.eip = 0x1000 + (int) icount;
        cpu.memory.write32(0x2000, (int) icount);       // page 2 changes every time
        cpu.memory.write32(0x50000, 0xCAFE);            // page 0x50 never changes
        cpu.memory.write32(0x60000 + (int) icount, 1);  // a page of its own per icount (< 4096)
        return cpu;
    }

    private CheckpointStore threeCheckpoints() throws IOException {
        CheckpointStore store = CheckpointStore.open(tmp, ID);
        for (long i : new long[] {300, 100, 200}) {
            Cpu c = at(cpu(), i);
            store.write(new Position(i, 1, i * 10, 0), c);
        }
        return store;
    }

    @Test
    void nearestAtOrBeforeRestoresTheExactState() throws IOException {
        CheckpointStore store = threeCheckpoints();
        assertThat(store.list()).extracting(CheckpointHeader::icount).containsExactly(100L, 200L, 300L);
        assertThat(store.nearest(99)).isEmpty();
        assertThat(store.nearest(200).orElseThrow().icount()).isEqualTo(200);
        Checkpoint c = store.nearest(299).orElseThrow();
        assertThat(c.icount()).isEqualTo(200);
        assertThat(c.position()).isEqualTo(new Position(200, 1, 2000, 0));

        Cpu fresh = cpu();
        fresh.memory.write32(0x70000, 99); // must be zeroed: not in the checkpoint
        c.restore(fresh, fresh.memory);
        Cpu expected = at(cpu(), 200);
        assertThat(fresh.memory.array()).isEqualTo(expected.memory.array());
        assertThat(CpuState.capture(fresh)).isEqualTo(CpuState.capture(expected));
        assertThat(store.nearest(Long.MAX_VALUE).orElseThrow().icount()).isEqualTo(300);
        assertThat(store.warnings()).isEmpty();
    }

    @Test
    void unchangedPagesAreStoredOnceAndZeroPagesNever() throws IOException {
        CheckpointStore store = CheckpointStore.open(tmp, ID);
        Cpu cpu = at(cpu(), 10);
        CheckpointStore.Written first = store.write(Position.START, cpu);
        int pages = first.pages();
        assertThat(first.newPages()).isEqualTo(pages);
        cpu.icount = 20;
        cpu.memory.write8(0x2000, 7); // one page changes
        CheckpointStore.Written second = store.write(Position.START, cpu);
        assertThat(second.pages()).isEqualTo(pages);
        assertThat(second.newPages()).isEqualTo(1);
        assertThat(pages).isLessThan(RAM / 4096 / 4); // the boot GDT, pages 2, 0x50, 0x60: nowhere near all 256
    }

    @Test
    void aCorruptCheckpointIsSkippedWithAWarningAndRebuilt() throws IOException {
        CheckpointStore store = threeCheckpoints();
        Path latest = tmp.resolve(CheckpointFile.fileName(300));
        byte[] b = Files.readAllBytes(latest);
        b[b.length / 2] ^= 0x40;
        Files.write(latest, b);

        assertThat(store.nearest(1000).orElseThrow().icount()).isEqualTo(200);
        assertThat(store.warnings()).singleElement().asString()
                .startsWith("checkpoint " + latest + " at offset ").contains("CRC mismatch").endsWith("; ignored (it is rebuilt by replaying)");
        assertThat(store.list()).extracting(CheckpointHeader::icount).containsExactly(100L, 200L);

        store.write(new Position(300, 1, 3000, 0), at(cpu(), 300)); // a replay passing 300 rebuilds it
        CheckpointStore again = CheckpointStore.open(tmp, ID);
        assertThat(again.nearest(1000).orElseThrow().icount()).isEqualTo(300);
        assertThat(again.warnings()).isEmpty();
    }

    @Test
    void aDamagedPageSkipsItsCheckpointAndIsRewrittenByTheNextWrite() throws IOException {
        threeCheckpoints();
        Path pack = tmp.resolve(CheckpointStore.PAGES);
        Cpu only300 = at(cpu(), 300);
        byte[] b = Files.readAllBytes(pack);
        int at = -1; // the record of the page only checkpoint 300 has: 0x60000 + 300 = 1, stored up to that byte
        for (int r = 16; r < b.length && at < 0; r += 34 + ((b[r + 32] & 0xFF) | (b[r + 33] & 0xFF) << 8))
            if (((b[r + 32] & 0xFF) | (b[r + 33] & 0xFF) << 8) == 301 && b[r + 34 + 300] == 1) at = r;
        assertThat(at).isPositive();
        b[at + 34 + 5] ^= 1;
        Files.write(pack, b);

        CheckpointStore store = CheckpointStore.open(tmp, ID);
        assertThat(store.nearest(1000).orElseThrow().icount()).isEqualTo(200);
        assertThat(store.warnings()).singleElement().asString().contains(pack.toString()).contains("hashes to");

        store.write(new Position(300, 1, 3000, 0), only300);
        assertThat(store.nearest(1000).orElseThrow().icount()).isEqualTo(300);
        store.close();
        assertThat(CheckpointStore.open(tmp, ID).nearest(1000).orElseThrow().icount()).isEqualTo(300);
    }

    @Test
    void anUnreadablePagePackIsStartedAfresh() throws IOException {
        threeCheckpoints().close();
        Files.writeString(tmp.resolve(CheckpointStore.PAGES), "garbage");
        CheckpointStore store = CheckpointStore.open(tmp, ID);
        assertThat(store.nearest(1000)).isEmpty();
        assertThat(store.warnings().get(0)).contains("unreadable page pack deleted");
        store.write(new Position(300, 1, 3000, 0), at(cpu(), 300));
        assertThat(store.nearest(1000).orElseThrow().icount()).isEqualTo(300);
    }

    @Test
    void checkpointsOfAnotherRecordingAreNeverUsed() throws IOException {
        threeCheckpoints();
        CheckpointStore other = CheckpointStore.open(tmp, id(2));
        assertThat(other.nearest(1000)).isEmpty();
        assertThat(other.warnings()).hasSize(3).allMatch(w -> w.contains("belongs to another recording"));
    }

    @Test
    void theRecordingIdIsTheManifestHash() throws IOException {
        Path rec = tmp.resolve("rec.kerf");
        Files.createDirectories(rec);
        Files.writeString(rec.resolve("manifest.json"), "{\"a\": 1}");
        CheckpointStore.open(rec).write(Position.START, at(cpu(), 5));
        assertThat(rec.resolve("checkpoints").resolve(CheckpointFile.fileName(5))).exists();
        assertThat(CheckpointStore.open(rec).nearest(5)).isPresent();
        Files.writeString(rec.resolve("manifest.json"), "{\"a\": 2}"); // recorded again: old checkpoints are stale
        assertThat(CheckpointStore.open(rec).nearest(5)).isEmpty();
    }

    @Test
    void aForeignCpuSectionOrMismatchedIcountIsSkipped() throws IOException {
        CheckpointStore store = CheckpointStore.open(tmp, ID);
        byte[] cpuBytes = new CpuStateCodec().encode(CpuState.capture(at(cpu(), 50)));
        byte[] v3 = cpuBytes.clone();
        v3[0] = 3; // a later CPU section version (2 is this kerf's: the x87 joined it)
        writeRaw(40, v3);
        writeRaw(60, cpuBytes); // CPU state at 50 in a checkpoint at 60
        assertThat(store.nearest(1000)).isEmpty();
        assertThat(store.warnings()).hasSize(2);
        assertThat(store.warnings().get(0)).contains("CPU state at icount 50 in a checkpoint at icount 60")
                .contains(String.format("offset 0x%x", CheckpointFile.CPU_DATA_OFFSET));
        assertThat(store.warnings().get(1)).contains("CPU state version 3, this kerf reads 2");
    }

    @Test
    void misnamedFilesAndAMissingDirectoryAreHarmless() throws IOException {
        CheckpointStore empty = CheckpointStore.open(tmp.resolve("none"), ID);
        assertThat(empty.list()).isEmpty();
        assertThat(empty.nearest(5)).isEmpty();
        threeCheckpoints();
        Files.copy(tmp.resolve(CheckpointFile.fileName(100)), tmp.resolve(CheckpointFile.fileName(150)));
        Files.writeString(tmp.resolve("notes.txt"), "x");
        CheckpointStore store = CheckpointStore.open(tmp, ID);
        assertThat(store.nearest(170).orElseThrow().icount()).isEqualTo(100);
        assertThat(store.warnings()).singleElement().asString().contains("not the icount its name says");
    }

    @Test
    void restoringIntoAnotherRamSizeIsRefused() throws IOException {
        Checkpoint c = threeCheckpoints().nearest(100).orElseThrow();
        Cpu small = new Cpu(new PhysicalMemory(RAM / 2), cpu().bus);
        assertThatThrownBy(() -> c.restore(small, small.memory)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpoint of 1048576 bytes of RAM");
    }

    private void writeRaw(long icount, byte[] cpuBytes) throws IOException {
        CheckpointHeader h = new CheckpointHeader(icount, Position.START, ID, RAM);
        CheckpointFile.write(tmp.resolve(CheckpointFile.fileName(icount)), new CheckpointData(h, cpuBytes, new byte[0],
                new dev.kerf.formats.checkpoint.PageMap(new int[0], new byte[0])));
    }
}
