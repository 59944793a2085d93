package dev.kerf.slicer.process;

import dev.kerf.emulator.usermode.Descriptor;
import dev.kerf.emulator.usermode.KernelReturn;
import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.PageMapping;
import dev.kerf.emulator.usermode.PageRun;
import dev.kerf.emulator.usermode.ProcessImage;
import dev.kerf.emulator.usermode.ProcessSlice;
import dev.kerf.emulator.usermode.Transition;
import dev.kerf.emulator.usermode.UserExit;
import dev.kerf.emulator.usermode.UserRegisters;
import dev.kerf.formats.FormatException;
import dev.kerf.formats.slice.Section;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceHeader;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.formats.slice.SliceWriter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The process-slice sections: round trip of every exit kind, and hostile sections (cut anywhere, lying counts). */
class ProcessSliceCodecTest {
    private static final Path NAME = Path.of("p.kslice");

    private static UserRegisters regs(int seed) {
        byte[] b = new byte[UserRegisters.SIZE];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (seed + i);
        return new UserRegisters(b);
    }

    static ProcessSlice sample() {
        int[] segments = new int[24];
        for (int i = 0; i < 24; i++) segments[i] = i % 4 == 0 ? (i / 4) << 3 | 3 : i * 0x1111; // selectors: GDT entries 0..5, RPL 3
        ProcessImage image = new ProcessImage(10, "buggy", 0x80010011, 0x10, segments, new int[] {3, 0x80}, List.of(new PageRun(0, 8192)),
                regs(1), List.of(new PageMapping(0x08048, false), new PageMapping(0xBFFFF, true)),
                List.of(new MemoryWrite(0x08048000, new byte[] {1, 2, 3}), new MemoryWrite(0xBFFFFFF0, new byte[] {4})));
        KernelReturn back = new KernelReturn(List.of(new PageMapping(0x0804A, true)), List.of(0xBFFFF),
                List.of(new MemoryWrite(0x0804A010, new byte[] {9, 9})), regs(2));
        return new ProcessSlice(image, List.of(
                new Transition(5, new UserExit.Syscall(0x80, 3, new int[] {0, 0x0804A010, 128, 0, 0}), 0x1234, back),
                new Transition(9, new UserExit.Interrupt(32), 0x5678, new KernelReturn(List.of(), List.of(), List.of(), regs(3))),
                new Transition(9, new UserExit.Fault(14, 4, 0x080495ef, 0x746e4920), -1, null)));
    }

    private static byte[] file(ProcessSlice slice) {
        SliceWriter w = new SliceWriter(header());
        ProcessSliceCodec.write(slice, w);
        return w.finish();
    }

    private static SliceHeader header() {
        return new SliceHeader(SliceKind.PROCESS, Map.of("pid", 10L), "0".repeat(64), "rec.kerf", 32 << 20, 1 << 20, List.of(), Map.of());
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() throws IOException {
        ProcessSlice s = sample();
        byte[] bytes = file(s);
        ProcessSlice back = ProcessSliceCodec.read(SliceReader.read(bytes, NAME));
        assertThat(file(back)).isEqualTo(bytes);
        assertThat(back.transitions()).extracting(Transition::exit).containsExactly(s.transitions().get(0).exit(),
                new UserExit.Interrupt(32), new UserExit.Fault(14, 4, 0x080495ef, 0x746e4920));
        assertThat(back.start().supervisor()).containsExactly(new PageRun(0, 8192));
        assertThat(back.start().registers().bytes()).isEqualTo(regs(1).bytes());
        assertThat(back.transitions().get(0).back().unmapped()).containsExactly(0xBFFFF);
        assertThat(back.transitions().get(2).back()).isNull();
    }

    /** A Linux process: a TLS descriptor at the start, one changed at a return with the segment registers IRET left. */
    static ProcessSlice withSegments() {
        ProcessSlice s = sample();
        int[] segs = s.start().segments();
        segs[20] = 0x33; // GS: the TLS entry
        segs[21] = 0x099c0380;
        ProcessImage image = s.start().withDescriptors(List.of(new Descriptor(6, 0x0380ffff, 0x09cff39c)));
        KernelReturn b = s.transitions().get(0).back();
        KernelReturn back = new KernelReturn(b.mapped(), b.unmapped(), b.writes(), b.registers(),
                List.of(new Descriptor(6, 0x0400ffff, 0x09cff39c), new Descriptor(7, 0, 0)), segs);
        return new ProcessSlice(image, List.of(new Transition(5, s.transitions().get(0).exit(), 0x1234, back), s.transitions().get(1),
                s.transitions().get(2)));
    }

    @Test
    void descriptorsAndSegmentRegistersSurviveTheRoundTripInTheirOwnSection() throws IOException {
        assertThat(SliceReader.read(file(sample()), NAME).all(SectionType.PROCESS_SEGMENTS)).as("none needed: none written").isEmpty();
        ProcessSlice s = withSegments();
        byte[] bytes = file(s);
        Slice read = SliceReader.read(bytes, NAME);
        assertThat(read.all(SectionType.PROCESS_SEGMENTS)).hasSize(1);
        ProcessSlice back = ProcessSliceCodec.read(read);
        assertThat(file(back)).isEqualTo(bytes);
        assertThat(back.start().descriptors()).containsExactly(new Descriptor(6, 0x0380ffff, 0x09cff39c));
        assertThat(back.transitions().get(0).back().descriptors()).containsExactly(new Descriptor(6, 0x0400ffff, 0x09cff39c),
                new Descriptor(7, 0, 0));
        assertThat(back.transitions().get(0).back().segments()).isEqualTo(s.transitions().get(0).back().segments());
        assertThat(back.transitions().get(1).back().segments()).isNull();

        Section seg = read.only(SectionType.PROCESS_SEGMENTS);
        for (int cut = 0; cut < seg.data().length; cut++) {
            byte[] cutBytes = rewrite(s, SectionType.PROCESS_SEGMENTS, Arrays.copyOf(seg.data(), cut));
            assertThatThrownBy(() -> ProcessSliceCodec.read(SliceReader.read(cutBytes, NAME))).isInstanceOf(FormatException.class)
                    .hasMessageContaining("p.kslice");
        }
        byte[] badIndex = seg.data().clone();
        badIndex[4] = 0; // the first descriptor's index: 0 is the null entry
        assertThatThrownBy(() -> ProcessSliceCodec.read(SliceReader.read(rewrite(s, SectionType.PROCESS_SEGMENTS, badIndex), NAME)))
                .isInstanceOf(FormatException.class).hasMessageContaining("descriptor index 0");
    }

    /** The file of {@code s} with section {@code type}'s data replaced. */
    private static byte[] rewrite(ProcessSlice s, SectionType type, byte[] data) throws IOException {
        Slice read = SliceReader.read(file(s), NAME);
        SliceWriter w = new SliceWriter(header());
        for (Section x : read.sections()) w.add(x.type(), x.type() == type ? data : x.data());
        return w.finish();
    }

    @Test
    void aSectionCutAnywhereIsAFormatErrorNamingTheFile() throws IOException {
        Slice good = SliceReader.read(file(sample()), NAME);
        for (SectionType type : List.of(SectionType.PROCESS_IMAGE, SectionType.PROCESS_EXITS, SectionType.PROCESS_EFFECTS)) {
            byte[] data = good.only(type).data();
            for (int cut = 0; cut < data.length; cut++) {
                byte[] bytes = rebuilt(good, type, Arrays.copyOf(data, cut));
                int at = cut;
                assertThatThrownBy(() -> ProcessSliceCodec.read(SliceReader.read(bytes, NAME)))
                        .as(type + " cut at " + at).isInstanceOf(FormatException.class).hasMessageContaining("p.kslice");
            }
        }
    }

    @Test
    void aHugeCountIsRefusedBeforeAnythingIsAllocated() throws IOException {
        Slice good = SliceReader.read(file(sample()), NAME);
        byte[] exits = good.only(SectionType.PROCESS_EXITS).data().clone();
        exits[0] = exits[1] = exits[2] = (byte) 0xFF;
        exits[3] = 0x7F;
        byte[] bytes = rebuilt(good, SectionType.PROCESS_EXITS, exits);
        assertThatThrownBy(() -> ProcessSliceCodec.read(SliceReader.read(bytes, NAME)))
                .isInstanceOf(FormatException.class).hasMessageContaining("does not fit");
    }

    @Test
    void anUnknownExitKindIsRefused() throws IOException {
        Slice good = SliceReader.read(file(sample()), NAME);
        byte[] exits = good.only(SectionType.PROCESS_EXITS).data().clone();
        exits[4 + 8] = 77; // first exit's kind
        byte[] bytes = rebuilt(good, SectionType.PROCESS_EXITS, exits);
        assertThatThrownBy(() -> ProcessSliceCodec.read(SliceReader.read(bytes, NAME)))
                .isInstanceOf(FormatException.class).hasMessageContaining("unknown exit kind 77");
    }

    /** The same slice file with one section's data replaced (valid CRCs: only the codec can object). */
    private static byte[] rebuilt(Slice good, SectionType replaced, byte[] data) {
        SliceWriter w = new SliceWriter(good.header());
        for (Section s : good.sections()) {
            if (s.type() == SectionType.HEADER) continue;
            w.add(s.type(), s.type() == replaced ? data : s.data());
        }
        return w.finish();
    }
}
