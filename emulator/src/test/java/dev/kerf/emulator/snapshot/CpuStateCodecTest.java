package dev.kerf.emulator.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kerf.emulator.cpu.CpuState;
import dev.kerf.formats.FormatException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The Kryo form of the CPU state: fixed layout, version first, hostile bytes refused with an offset. */
class CpuStateCodecTest {
    private static final Path FILE = Path.of("x.kcp");

    static CpuState sample() {
        int[] seg = new int[CpuState.SEGMENT_INTS];
        for (int i = 0; i < seg.length; i++) seg[i] = i * 0x01010101;
        return new CpuState(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, 0xC0101234, 0x246, seg, new int[] {9, 10, 11, 12},
                new int[] {0x80000011, 0x1000, 0x20000, 0x10}, 3, new int[] {0, 0, 0, 0, 0, 0, 0xFFFF0FF0, 0x400},
                123_456_789_012L, true, false, 1);
    }

    @Test
    void roundTripWithTheVersionFirstAndLittleEndianFields() {
        CpuStateCodec codec = new CpuStateCodec();
        byte[] b = codec.encode(sample());
        assertThat(b).hasSize(CpuStateSerializer.LENGTH).hasSize(254 + 108); // version 1's 254 + the x87 image
        assertThat(Arrays.copyOf(b, 8)).containsExactly(2, 0, 0, 0, 1, 0, 0, 0); // version 2, then EAX = 1
        assertThat(Arrays.copyOfRange(b, 240, 242)).containsExactly(0x7F, 0x03); // the x87 control word after DR7
        assertThat(codec.decode(b, FILE, 89)).isEqualTo(sample());
    }

    @Test
    void hostileBytesAreFormatExceptions() {
        CpuStateCodec codec = new CpuStateCodec();
        byte[] good = codec.encode(sample());
        assertThat(fails(codec, Arrays.copyOf(good, 100)).getMessage()).contains("CPU state of 100 bytes");
        byte[] b = good.clone();
        b[0] = 9;
        assertThat(fails(codec, b).getMessage()).contains("CPU state version 9");
        b = good.clone();
        b[CpuStateSerializer.LENGTH - 6] = 7; // the halted boolean
        FormatException f = fails(codec, b);
        assertThat(f.getMessage()).contains("boolean byte 7");
        assertThat(f.offset()).isEqualTo(89 + CpuStateSerializer.LENGTH - 5);
        b = good.clone();
        b[4 + 10 * 4 + CpuState.SEGMENT_INTS * 4 + 32] = 5; // CPL 5
        assertThat(fails(codec, b).getMessage()).contains("CPL 5");
    }

    private static FormatException fails(CpuStateCodec codec, byte[] b) {
        Throwable t = catchThrowable(() -> codec.decode(b, FILE, 89));
        assertThat(t).isInstanceOf(FormatException.class);
        assertThat(((FormatException) t).file()).isEqualTo(FILE);
        return (FormatException) t;
    }
}
