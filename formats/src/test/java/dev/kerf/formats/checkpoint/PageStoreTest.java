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

/** Content addressing, zero-page skipping, dedup across captures, and damaged page files. */
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

    @Test
    void capturesNonZeroPagesOnceByContentAndRestoresExactly() throws IOException {
        PageStore store = new PageStore(tmp.resolve("pages"));
        byte[] ram = ram();
        PageMap map = store.capture(ram);
        assertThat(map.pages()).containsExactly(3, 9, 20, 63);
        assertThat(map.hash(0)).isEqualTo(map.hash(1));
        assertThat(store.pagesWritten()).isEqualTo(3);

        ram[20 * 4096] ^= 1;                       // one page changes
        PageMap second = store.capture(ram);
        assertThat(store.pagesWritten()).isEqualTo(4); // only the changed page is new

        byte[] back = new byte[ram.length];
        Arrays.fill(back, (byte) 0x77);
        store.restore(map, back);
        ram[20 * 4096] ^= 1;
        assertThat(back).isEqualTo(ram);
        new PageStore(tmp.resolve("pages")).restore(second, back); // a new instance reads the same store
        ram[20 * 4096] ^= 1;
        assertThat(back).isEqualTo(ram);
    }

    @Test
    void damagedMissingOrShortPagesAreFormatExceptionsAndLeaveRamAlone() throws IOException {
        PageStore store = new PageStore(tmp.resolve("pages"));
        PageMap map = store.capture(ram());
        Path page20 = store.file(map.hash(2));

        byte[] content = Files.readAllBytes(page20);
        content[100] ^= 0x10;
        Files.write(page20, content);
        byte[] target = new byte[64 * 4096];
        Arrays.fill(target, (byte) 0x33);
        FormatException f = (FormatException) catchThrowable(() -> store.restore(map, target));
        assertThat(f.file()).isEqualTo(page20);
        assertThat(f.getMessage()).contains("hashes to").contains("not its name");
        assertThat(target).containsOnly((byte) 0x33);

        Files.write(page20, Arrays.copyOf(content, 100));
        f = (FormatException) catchThrowable(() -> store.restore(map, target));
        assertThat(f.getMessage()).contains("page file of 100 bytes");

        Files.delete(page20);
        f = (FormatException) catchThrowable(() -> store.restore(map, target));
        assertThat(f.getMessage()).contains("page missing");
    }

    @Test
    void aDamagedPageIsRewrittenByTheNextCapture() throws IOException {
        PageStore store = new PageStore(tmp.resolve("pages"));
        PageMap map = store.capture(ram());
        Files.write(store.file(map.hash(2)), new byte[10]);
        store.capture(ram());
        store.restore(map, new byte[64 * 4096]);
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
