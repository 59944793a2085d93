package dev.kerf.emulator.introspect.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class PageTableWalkTest {
    @Test
    void fourMegabyteAndFourKilobytePagesAndHoles() {
        byte[] ram = new byte[16 << 20];
        ByteBuffer b = ByteBuffer.wrap(ram).order(ByteOrder.LITTLE_ENDIAN);
        int dir = 0x1000, table = 0x2000;
        b.putInt(dir + (0xC0800000 >>> 22 << 2), 0x00800000 | 0x83); // 4 MiB page: 0xC0800000 -> 8 MiB
        b.putInt(dir + (0xC0000000 >>> 22 << 2), table | 0x03);
        b.putInt(table + (5 << 2), 0x00345000 | 0x03); // 0xC0005000 -> 0x345000
        b.putInt(dir + (0xF0000000 >>> 22 << 2), 0x7F000000 | 0x83); // mapped beyond RAM

        assertThat(PageTableWalk.physical(ram, dir, 0xC0812345L)).isEqualTo(0x00812345L);
        assertThat(PageTableWalk.physical(ram, dir, 0xC0005ABCL)).isEqualTo(0x00345ABCL);
        assertThat(PageTableWalk.physical(ram, dir, 0xC0006000L)).as("PTE not present").isEqualTo(-1);
        assertThat(PageTableWalk.physical(ram, dir, 0x08048000L)).as("PDE not present").isEqualTo(-1);
        assertThat(PageTableWalk.physical(ram, dir, 0xF0000000L)).as("beyond RAM").isEqualTo(-1);
        assertThat(PageTableWalk.physical(ram, 0xFFFFF000, 0xC0000000L)).as("directory beyond RAM").isEqualTo(-1);
    }
}
