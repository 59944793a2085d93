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

    private static ComponentSlice kernelSample() {
        ComponentSlice user = sample();
        ComponentActivation ret = user.activations().get(0);
        ComponentActivation interrupted = new ComponentActivation(-1, ret.entry(), 0x00102000, List.of(), ComponentActivation.End.INTERRUPTED, 40,
                0, null, List.of());
        dev.kerf.emulator.kernelmode.PortLog.Builder b = new dev.kerf.emulator.kernelmode.PortLog.Builder();
        b.add(true, 0x300, 1, 0x21);
        b.add(false, 0x310, 2, 0x6568);
        return new ComponentSlice(true, user.image(), List.of(ret, interrupted), List.of(b.build(), dev.kerf.emulator.kernelmode.PortLog.empty()));
    }

    private static byte[] encodeKernel(ComponentSlice s, byte[] ports) {
        SliceWriter w = new SliceWriter(new SliceHeader(SliceKind.COMPONENT, Map.of("program", "kernel"), "ab".repeat(32), "rec", 32 << 20,
                1_000_000, List.of(), Map.of()));
        ComponentSliceCodec.write(s, w);
        if (ports != null) w.add(dev.kerf.formats.slice.SectionType.COMPONENT_PORTS, ports);
        return w.finish();
    }

    @Test
    void aKernelSliceRoundTripsItsPortLogs() throws Exception {
        ComponentSlice back = ComponentSliceCodec.read(SliceReader.read(encodeKernel(kernelSample(), null), Path.of("k.kslice")));
        assertThat(back.kernel()).isTrue();
        assertThat(back.activations().get(1).end()).isEqualTo(ComponentActivation.End.INTERRUPTED);
        assertThat(back.ports()).hasSize(2);
        var log = back.ports().get(0);
        assertThat(log.count()).isEqualTo(2);
        assertThat(log.isOutput(0)).isTrue();
        assertThat(log.value(0)).isEqualTo(0x21);
        assertThat(log.port(1)).isEqualTo(0x310);
        assertThat(log.value(1)).isEqualTo(0x6568);
        assertThat(back.portInputBytes()).isEqualTo(2);
        assertThat(back.portOutputBytes()).isEqualTo(1);
        assertThat(back.ports().get(1).count()).isZero();
    }

    @Test
    void aKernelSliceWithoutPortsOrWithLyingPortsIsAFormatError() throws Exception {
        ComponentSlice user = new ComponentSlice(kernelSample().image(), kernelSample().activations());
        assertThatThrownBy(() -> ComponentSliceCodec.read(SliceReader.read(encodeKernel(user, null), Path.of("k.kslice"))))
                .isInstanceOf(FormatException.class).hasMessageContaining("k.kslice").hasMessageContaining("without its COMPONENT_PORTS");
        dev.kerf.slicer.SectionOutput lying = new dev.kerf.slicer.SectionOutput().u32(2)
                .u32(1).u8(0).u8(2).u16(0x310).u32(5).bytes(new byte[5]).u32(0)
                .u32(0).u32(0).u32(0);
        assertThatThrownBy(() -> ComponentSliceCodec.read(SliceReader.read(encodeKernel(user, lying.toByteArray()), Path.of("k.kslice"))))
                .isInstanceOf(FormatException.class).hasMessageContaining("k.kslice").hasMessageContaining("5 input bytes for accesses holding 2");
        dev.kerf.slicer.SectionOutput badKind = new dev.kerf.slicer.SectionOutput().u32(2).u32(1).u8(7).u8(2).u16(0x310).u32(2).bytes(new byte[2])
                .u32(0).u32(0).u32(0).u32(0);
        assertThatThrownBy(() -> ComponentSliceCodec.read(SliceReader.read(encodeKernel(user, badKind.toByteArray()), Path.of("k.kslice"))))
                .isInstanceOf(FormatException.class).hasMessageContaining("kind 7");
        dev.kerf.slicer.SectionOutput huge = new dev.kerf.slicer.SectionOutput().u32(2).u32(0x7FFFFFFF);
        assertThatThrownBy(() -> ComponentSliceCodec.read(SliceReader.read(encodeKernel(user, huge.toByteArray()), Path.of("k.kslice"))))
                .isInstanceOf(FormatException.class).hasMessageContaining("k.kslice");
    }
}
