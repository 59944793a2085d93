package dev.kerf.emulator.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

/** Naming addresses from a kernel's ELF symbol table, for messages: never fails, whatever the file. */
class KernelSymbolsTest {
    private static byte[] kernel() {
        LinkedHashMap<String, Integer> functions = new LinkedHashMap<>();
        functions.put("second", 0x10);
        functions.put("first", 0);
        return TestKernels.elfWithSymbols(new byte[0x40], functions);
    }

    @Test
    void namesTheNearestSymbolAtOrBelow() {
        KernelSymbols symbols = KernelSymbols.parse(kernel());
        assertThat(symbols.describe(TestKernels.CODE_ADDR)).isEqualTo("first");
        assertThat(symbols.describe(TestKernels.CODE_ADDR + 0xF)).isEqualTo("first+0xf");
        assertThat(symbols.describe(TestKernels.CODE_ADDR + 0x1C)).isEqualTo("second+0xc");
        assertThat(symbols.describe(TestKernels.CODE_ADDR - 1)).isNull();
    }

    @Test
    void noSymbolTableOrNoElfGivesNoNames() {
        assertThat(KernelSymbols.parse(TestKernels.elf(new byte[4], 0)).describe(TestKernels.CODE_ADDR)).isNull();
        assertThat(KernelSymbols.parse(new byte[0]).describe(0)).isNull();
        byte[] bzImage = new byte[0x400];
        bzImage[0x202] = 'H';
        bzImage[0x203] = 'd';
        bzImage[0x204] = 'r';
        bzImage[0x205] = 'S';
        assertThat(KernelSymbols.parse(bzImage).describe(0x100000)).isNull();
    }

    @Test
    void aTruncatedOrCorruptedFileNeverThrows() {
        byte[] whole = kernel();
        for (int length = 0; length < whole.length; length += 7) {
            KernelSymbols.parse(Arrays.copyOf(whole, length)).describe(TestKernels.CODE_ADDR);
        }
        for (int i = 0x20; i < 0x34; i++) { // section header fields: offsets, sizes, counts
            byte[] bad = whole.clone();
            bad[i] = (byte) 0xFF;
            KernelSymbols.parse(bad).describe(TestKernels.CODE_ADDR);
        }
        for (int i = whole.length - 160; i < whole.length; i++) {
            byte[] bad = whole.clone();
            bad[i] ^= (byte) 0x80;
            String name = KernelSymbols.parse(bad).describe(TestKernels.CODE_ADDR + 1);
            assertThat(name == null || name.chars().allMatch(c -> c > 0x20 && c < 0x7F || c == '+')).isTrue();
        }
    }
}
