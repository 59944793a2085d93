package dev.kerf.emulator.introspect;

import dev.kerf.emulator.mmu.PhysicalMemory;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The read-only page walk: 4 KiB and 4 MiB pages, holes, and no accessed/dirty bit written. */
class GuestMemoryTest {
    private static final int PD = 0x10000, PT = 0x11000, FRAME = 0x20000;

    private static PhysicalMemory tables() {
        PhysicalMemory m = new PhysicalMemory(16 << 20);
        m.write32(PD + (0x08048000 >>> 22) * 4, PT | 7);                   // user table for 0x08000000-0x083FFFFF
        m.write32(PT + ((0x08048000 >>> 12) & 0x3FF) * 4, FRAME | 7);       // 0x08048000 -> FRAME
        m.write32(PT + ((0x08049000 >>> 12) & 0x3FF) * 4, (FRAME + 0x3000) | 7); // next page elsewhere
        m.write32(PD + (0x00400000 >>> 22) * 4, 0x00400000 | 0x83);         // a 4 MiB page, identity
        return m;
    }

    @Test
    void translatesFourKilobyteAndFourMegabytePages() {
        GuestMemory g = new GuestMemory(tables());
        assertThat(g.translate(PD, 0x08048123)).isEqualTo(FRAME + 0x123);
        assertThat(g.translate(PD, 0x08049004)).isEqualTo(FRAME + 0x3004);
        assertThat(g.translate(PD, 0x00512345)).isEqualTo(0x00512345);
        assertThat(g.translate(PD, 0x0804A000)).isEqualTo(-1);
        assertThat(g.translate(PD, 0xBFFFF000)).isEqualTo(-1);
    }

    @Test
    void readsAcrossPagesAndStopsAtAHole() {
        PhysicalMemory m = tables();
        byte[] text = "abcdefgh".getBytes(StandardCharsets.US_ASCII);
        m.load(FRAME + 0xFFC, text, 0, 4);
        m.load(FRAME + 0x3000, text, 4, 4);
        GuestMemory g = new GuestMemory(m);
        assertThat(new String(g.virtualBytes(PD, 0x08048FFC, 8), StandardCharsets.US_ASCII)).isEqualTo("abcdefgh");
        assertThat(g.virtualBytes(PD, 0x08049FFE, 4)).hasSize(2);
        assertThat(g.virtualBytes(PD, 0x0804A000, 4)).isNull();
        assertThat(g.virtualBytes(PD, 0x0804A000, 0)).isEmpty();
        m.write8(FRAME + 0x3004, 0);
        assertThat(g.virtualCString(PD, 0x08048FFC, 100)).isEqualTo("abcdefgh");
        assertThat(g.virtualCString(PD, 0x08049000, 100)).isEqualTo("efgh");
        assertThat(g.virtualCString(PD, 0x08049FFE, 100)).as("runs into a hole").isEqualTo("");
        assertThat(g.virtualCString(PD, 0x08049000, 2)).isEqualTo("ef");
        assertThat(g.virtualCString(PD, 0x0804A000, 100)).isNull();
    }

    @Test
    void theWalkSetsNoAccessedOrDirtyBit() {
        PhysicalMemory m = tables();
        byte[] before = m.array().clone();
        GuestMemory g = new GuestMemory(m);
        g.virtualBytes(PD, 0x08048000, 64);
        g.virtualCString(PD, 0x00400000, 10);
        assertThat(m.array()).isEqualTo(before);
    }
}
