package dev.kerf.emulator.introspect.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KernelBannerTest {
    static final String REAL = "Linux version 6.9.1-3-686 (someone@example.org) (gcc 12.2.0) #4 SMP Debian 6.9.1-3 (2030-01-02)";

    static void put(byte[] ram, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(b, 0, ram, at, b.length);
    }

    @Test
    void theNumberedNulTerminatedBannerWinsOverATemplateAndALogCopy() {
        byte[] ram = new byte[1 << 20];
        put(ram, 0x1000, "Linux version 6.9.1-3-686 (someone@example.org) (gcc 12.2.0) # SMP Debian 6.9.1-3 (2030-01-02)\n\0");
        put(ram, 0x2000, REAL + "\n\0");
        put(ram, 0x3000, REAL + "1)\n\1"); // the boot log's copy, its tail overwritten by a later record
        put(ram, 0x4000, "Linux version %s (%s)\n\0"); // a format string: no digit after the prefix
        assertThat(KernelBanner.find(ram)).hasValue(REAL);
    }

    @Test
    void aLogCopyAloneStillNamesTheKernel() {
        byte[] ram = new byte[1 << 16];
        put(ram, ram.length - 200, REAL + "\n\2");
        assertThat(KernelBanner.find(ram)).hasValue(REAL);
    }

    @Test
    void noBannerOrOneCutByTheEndOfRamIsEmpty() {
        byte[] ram = new byte[1 << 16];
        assertThat(KernelBanner.find(ram)).isEmpty();
        put(ram, ram.length - 20, "Linux version 6.1.0-");
        assertThat(KernelBanner.find(ram)).isEmpty();
        assertThat(KernelBanner.find(new byte[5])).isEmpty();
    }
}
