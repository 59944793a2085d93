package dev.kerf.slicer.component;

import dev.kerf.emulator.usermode.ComponentActivation;
import dev.kerf.emulator.usermode.ComponentImage;
import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.UserExit;
import dev.kerf.emulator.usermode.UserRegisters;
import dev.kerf.formats.FormatException;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceHeader;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.formats.slice.SliceWriter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ComponentSliceCodecTest {
    private static ComponentSlice sample() {
        byte[] regs = new byte[UserRegisters.SIZE];
        regs[0] = 9;
        ComponentImage image = new ComponentImage(0x80010011, 0, new int[24], List.of(new MemoryWrite(0x08048000, new byte[] {(byte) 0xC3})));
        ComponentActivation ret = new ComponentActivation(4, new UserRegisters(regs), 0x08049000, List.of(new MemoryWrite(0x1000, new byte[] {1, 2})),
                ComponentActivation.End.RETURNED, 12, 0x55, null, List.of(new MemoryWrite(0x2000, new byte[] {3})));
        ComponentActivation fault = new ComponentActivation(4, new UserRegisters(regs.clone()), 0x08049010, List.of(),
                ComponentActivation.End.FAULTED, 3, 0, new UserExit.Fault(14, 4, 0x08048004, 0x746e4920), List.of());
        ComponentActivation sys = new ComponentActivation(5, new UserRegisters(regs.clone()), 0x08049020, List.of(),
                ComponentActivation.End.SYSCALL, 30, 0, null, List.of());
        return new ComponentSlice(image, List.of(ret, fault, sys));
    }

    private static byte[] encode(ComponentSlice s) throws java.io.IOException {
        SliceWriter w = new SliceWriter(new SliceHeader(SliceKind.COMPONENT, Map.of(), "ab".repeat(32), "rec", 32 << 20, 1_000_000, List.of(), Map.of()));
        ComponentSliceCodec.write(s, w);
        return w.finish();
    }

    @Test
    void roundTripsEveryEnd() throws Exception {
        ComponentSlice back = ComponentSliceCodec.read(SliceReader.read(encode(sample()), Path.of("c.kslice")));
        assertThat(back.activations()).hasSize(3);
        assertThat(back.activations().get(0).eax()).isEqualTo(0x55);
        assertThat(back.activations().get(0).loads().get(0).bytes()).containsExactly(1, 2);
        assertThat(back.activations().get(1).fault()).isEqualTo(new UserExit.Fault(14, 4, 0x08048004, 0x746e4920));
        assertThat(back.activations().get(2).end()).isEqualTo(ComponentActivation.End.SYSCALL);
        assertThat(back.loadedBytes()).isEqualTo(2);
        assertThat(back.codeBytes()).isEqualTo(1);
    }

    @Test
    void aLyingCountIsAFormatErrorNamingTheFile() throws Exception {
        byte[] file = encode(sample());
        Slice slice = SliceReader.read(file, Path.of("c.kslice"));
        var entries = slice.only(dev.kerf.formats.slice.SectionType.COMPONENT_ENTRIES);
        byte[] bad = file.clone();
        int at = (int) entries.dataOffset();
        bad[at] = (byte) 0xFF;
        bad[at + 1] = (byte) 0xFF;
        Slice damaged;
        try {
            damaged = SliceReader.read(bad, Path.of("c.kslice"));
        } catch (FormatException e) {
            assertThat(e.getMessage()).contains("c.kslice"); // the container's own checksum caught it
            return;
        }
        assertThatThrownBy(() -> ComponentSliceCodec.read(damaged)).isInstanceOf(FormatException.class).hasMessageContaining("c.kslice");
    }

    @Test
    void aTruncatedFileIsAFormatError() throws Exception {
        byte[] file = encode(sample());
        assertThatThrownBy(() -> ComponentSliceCodec.read(SliceReader.read(Arrays.copyOf(file, file.length - 40), Path.of("c.kslice"))))
                .isInstanceOf(FormatException.class).hasMessageContaining("c.kslice");
    }
}
