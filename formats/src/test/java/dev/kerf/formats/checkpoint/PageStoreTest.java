package dev.kerf.formats.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kerf.formats.FormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Content addressing, zero-page skipping, dedup across captures, and a damaged page pack. */
class PageStoreTest {
    @TempDir Path tmp;

    static byte[] ram() {
        byte[] ram = new byte[64 * 4096];
        for (int i = 0; i < 4096; i++) {
            ram[3 * 4096 + i] = (byte) i;          // page 3
            ram[9 * 4096 + i] = (byte) i;          // page 9: same content as page 3
            ram[20 * 4096 + i] = (byte) (i * 31);  // page 20
        }
        ram[63 * 4096 + 4095] = 1;                 // page 63: one byte set
        return ram;
    }

    private Path pack() { return tmp.resolve("pages.kpp"); }

    /** Offset of the record holding the i-th page appended. */
    private static long record(int i) { return PageStore.HEADER + (long) i * (PageStore.RECORD_HEADER + 4096); }

    /** A pack path that is a directory or a symbolic link (to /dev/zero) is refused, left as it was, never opened. */
    @Test
    void aPackThatIsNotARegularFileIsRefusedAndLeftAlone() throws IOException {
        Path dir = tmp.resolve("dir.kpp");
        Files.createDirectory(dir);
        Path zero = tmp.resolve("zero.kpp");
        Files.createSymbolicLink(zero, Path.of("/dev/zero"));
        assertThat(catchThrowable(() -> PageStore.open(dir))).isInstanceOf(PageStore.NotAPack.class)
                .hasMessage(dir + ": a directory, not a page pack");
        assertThat(catchThrowable(() -> PageStore.open(zero))).isInstanceOf(PageStore.NotAPack.class)
                .hasMessage(zero + ": a symbolic link, not a page pack");
        assertThat(dir).isEmptyDirectory();
        assertThat(Files.readSymbolicLink(zero)).isEqualTo(Path.of("/dev/zero"));
    }

    @Test
    void capturesNonZeroPagesOnceByContentAndRestoresExactly() throws IOException {
        byte[] ram = ram();
        PageMap map, second;
        try (PageStore store = PageStore.open(pack())) {
            map = store.capture(ram);
            assertThat(map.pages()).containsExactly(3, 9, 20, 63);
            assertThat(map.hash(0)).isEqualTo(map.hash(1));
            assertThat(store.pagesWritten()).isEqualTo(3);
            ram[20 * 4096] ^= 1;                   // one page changes
            second = store.capture(ram);
            assertThat(store.pagesWritten()).isEqualTo(4); // only the changed page is new
        }
        assertThat(Files.size(pack())).isEqualTo(record(4));
        try (PageStore store = PageStore.open(pack())) { // reopened: the index is rebuilt from the pack
            byte[] back = new byte[ram.length];
            Arrays.fill(back, (byte) 0x77);
            store.restore(second, back);
            assertThat(back).isEqualTo(ram);
            store.restore(map, back);
            ram[20 * 4096] ^= 1;
            assertThat(back).isEqualTo(ram);
            store.capture(ram);
            assertThat(store.pagesWritten()).isZero();
        }
    }

    @Test
    void aDamagedRecordIsAFormatExceptionLeavesRamAloneAndIsAppendedAgain() throws IOException {
        PageMap map;
        try (PageStore store = PageStore.open(pack())) {
            map = store.capture(ram());
        }
        byte[] b = Files.readAllBytes(pack());
        b[(int) record(1) + 32 + 100] ^= 0x10;     // page 20's data (the second record)
        Files.write(pack(), b);
        try (PageStore store = PageStore.open(pack())) {
            byte[] target = new byte[64 * 4096];
            Arrays.fill(target, (byte) 0x33);
            FormatException f = (FormatException) catchThrowable(() -> store.restore(map, target));
            assertThat(f.file()).isEqualTo(pack());
            assertThat(f.offset()).isEqualTo(record(1) + PageStore.RECORD_HEADER);
            assertThat(f.getMessage()).contains("content hashes to");
            assertThat(target).containsOnly((byte) 0x33);
            store.capture(ram());                  // the damaged page is appended afresh
            assertThat(store.pagesWritten()).isEqualTo(1);
            store.restore(map, target);
            assertThat(target).isEqualTo(ram());
        }
        try (PageStore store = PageStore.open(pack())) { // the last copy of a hash wins
            store.restore(map, new byte[64 * 4096]);
        }
    }

    @Test
    void damagedHashMissingPageAndCutTail() throws IOException {
        PageMap map;
        try (PageStore store = PageStore.open(pack())) {
            map = store.capture(ram());
        }
        byte[] good = Files.readAllBytes(pack());
        byte[] b = good.clone();
        b[(int) record(2)] ^= 1;                   // page 63's hash field
        Files.write(pack(), b);
        try (PageStore store = PageStore.open(pack())) {
            FormatException f = (FormatException) catchThrowable(() -> store.restore(map, new byte[64 * 4096]));
            assertThat(f.getMessage()).contains("is not in the page pack");
        }
        Files.write(pack(), Arrays.copyOf(good, good.length - 100)); // a killed writer's last record
        try (PageStore store = PageStore.open(pack())) {
            assertThat(catchThrowable(() -> store.restore(map, new byte[64 * 4096]))).isInstanceOf(FormatException.class);
            store.capture(ram());
            assertThat(store.pagesWritten()).isEqualTo(1);
            store.restore(map, new byte[64 * 4096]);
        }
        assertThat(Files.size(pack())).isEqualTo(good.length);
    }

    @Test
    void trailingZerosAreNotStored() throws IOException {
        byte[] ram = new byte[4 * 4096];
        ram[4096] = 0x10;                          // a free page holding a list pointer
        ram[4096 + 2] = 0x20;
        ram[3 * 4096 + 4095] = 1;
        PageMap map;
        try (PageStore store = PageStore.open(pack())) {
            map = store.capture(ram);
        }
        assertThat(Files.size(pack())).isEqualTo(PageStore.HEADER + (34 + 3) + (34 + 4096));
        try (PageStore store = PageStore.open(pack())) {
            byte[] back = new byte[ram.length];
            Arrays.fill(back, (byte) 9);
            store.restore(map, back);
            assertThat(back).isEqualTo(ram);
        }
    }

    @Test
    void anImpossibleLengthCutsThePackThereAndLaterCapturesRebuildIt() throws IOException {
        PageMap map;
        try (PageStore store = PageStore.open(pack())) {
            map = store.capture(ram());
        }
        byte[] b = Files.readAllBytes(pack());
        b[(int) record(1) + 32] = 0;               // second record's Length: 0
        b[(int) record(1) + 33] = 0;
        Files.write(pack(), b);
        try (PageStore store = PageStore.open(pack())) {
            assertThat(Files.size(pack())).isEqualTo(record(1));
            assertThat(catchThrowable(() -> store.restore(map, new byte[64 * 4096]))).isInstanceOf(FormatException.class)
                    .hasMessageContaining("is not in the page pack");
            store.capture(ram());
            assertThat(store.pagesWritten()).isEqualTo(2);
            store.restore(map, new byte[64 * 4096]);
        }
    }

    @Test
    void foreignOrNewerPacksAreRefused() throws IOException {
        Files.write(pack(), "not a pack at all".getBytes());
        FormatException f = (FormatException) catchThrowable(() -> PageStore.open(pack()));
        assertThat(f.getMessage()).contains("not a kerf page pack");
        byte[] h = Arrays.copyOf(PageStore.MAGIC, PageStore.HEADER);
        h[8] = 2;
        Files.write(pack(), h);
        f = (FormatException) catchThrowable(() -> PageStore.open(pack()));
        assertThat(f.offset()).isEqualTo(8);
        assertThat(f.getMessage()).contains("page pack format 2.x");
        Files.write(pack(), Arrays.copyOf(PageStore.MAGIC, 5));
        f = (FormatException) catchThrowable(() -> PageStore.open(pack()));
        assertThat(f.getMessage()).contains("header cut short");
    }

    @Test
    void zeroPageDetection() {
        byte[] ram = new byte[2 * 4096];
        assertThat(PageStore.isZero(ram, 0)).isTrue();
        ram[4096 + 4095] = 1;
        assertThat(PageStore.isZero(ram, 0)).isTrue();
        assertThat(PageStore.isZero(ram, 4096)).isFalse();
    }
}
