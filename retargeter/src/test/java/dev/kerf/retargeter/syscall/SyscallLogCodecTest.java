package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.PageMapping;
import dev.kerf.emulator.usermode.PageRun;
import dev.kerf.emulator.usermode.ProcessImage;
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

/** The syscall log's sections: a round trip of every field, and hostile files (cut anywhere, any bit flipped, lying counts). */
class SyscallLogCodecTest {
    private static final Path NAME = Path.of("log.ksys");

    private static UserRegisters regs(int seed) {
        byte[] b = new byte[UserRegisters.SIZE];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (seed + i);
        return new UserRegisters(b);
    }

    static SyscallLog sample() {
        int[] segments = new int[24];
        for (int i = 0; i < 24; i++) segments[i] = i % 4 == 0 ? (i / 4) << 3 | 3 : i * 0x1111; // selectors: GDT entries 0..5, RPL 3
        ProcessImage image = new ProcessImage(10, "buggy", 0x80010011, 0x10, segments, new int[] {3, 0x80}, List.of(new PageRun(0, 8192)),
                regs(1), List.of(new PageMapping(0x08048, false), new PageMapping(0xBFFFF, true)),
                List.of(new MemoryWrite(0x08048000, new byte[] {1, 2, 3}), new MemoryWrite(0xBFFFFFF0, new byte[] {4})));
        SyscallCall open = new SyscallCall(0x80, 5, new int[] {0x0804A000, 0, 0x1a4, 7, 8},
                List.of(new CallInput(0, "/home/customer/big-order.txt".getBytes(), false)), true, 3, List.of(), List.of(), List.of(), null);
        SyscallCall read = new SyscallCall(0x80, 3, new int[] {3, 0xBFFFF010, 128, 0, 0}, List.of(), true, 10,
                List.of(new PageMapping(0x0804B, true)), List.of(0x0804C),
                List.of(new CallWrite(1, 0, "get alice\n".getBytes()), new CallWrite(CallWrite.ABSOLUTE, 0x0804B000, new byte[] {9})), regs(7));
        SyscallCall write = new SyscallCall(0x80, 4, new int[] {1, 0xBFFFF010, 5, 0, 0}, List.of(new CallInput(1, "hello".getBytes(), true)),
                true, 5, List.of(), List.of(), List.of(), null);
        AsyncEffect signal = new AsyncEffect(2, "interrupt 32", List.of(new PageMapping(0x0804D, false)), List.of(),
                List.of(new MemoryWrite(0xBFFFF000, new byte[] {1, 2})), regs(9));
        return new SyscallLog(SyscallAbi.KERF, image, List.of(open, read, write), List.of(signal), new ProcessEnd(ProcessEnd.Kind.FAULT, 14, 4, 0x080495ef, 0x746e4920));
    }

    static byte[] file(SyscallLog log) {
        SliceWriter w = new SliceWriter(new SliceHeader(SliceKind.SYSCALLS, Map.of("pid", 10L), "0".repeat(64), "rec.kerf", 32 << 20, 1 << 20,
                List.of(), Map.of()));
        SyscallLogCodec.write(log, w);
        return w.finish();
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() throws IOException {
        SyscallLog s = sample();
        byte[] bytes = file(s);
        SyscallLog back = SyscallLogCodec.read(SliceReader.read(bytes, NAME));
        assertThat(file(back)).isEqualTo(bytes);
        assertThat(back.calls()).hasSize(3);
        assertThat(back.calls().get(1).writes().get(0).where()).isEqualTo("arg1+0");
        assertThat(back.calls().get(1).writes().get(1).where()).isEqualTo("0x0804b000");
        assertThat(back.calls().get(1).registers().bytes()).isEqualTo(regs(7).bytes());
        assertThat(back.calls().get(2).input(1).cut()).isTrue();
        assertThat(back.async().get(0).cause()).isEqualTo("interrupt 32");
        assertThat(back.end()).isEqualTo(new ProcessEnd(ProcessEnd.Kind.FAULT, 14, 4, 0x080495ef, 0x746e4920));
        assertThat(SyscallAbi.KERF.line(back.calls().get(0))).isEqualTo("open(\"/home/customer/big-order.txt\", 0x0, 0x1a4) = 3");
        assertThat(SyscallAbi.KERF.line(back.calls().get(1))).isEqualTo("read(3, \"get alice\\n\", 128) = 10");
        assertThat(SyscallAbi.KERF.line(back.calls().get(2))).isEqualTo("write(1, \"hello\", 5) = 5");
    }

    @Test
    void anExitEndingRoundTrips() throws IOException {
        SyscallLog s = sample();
        SyscallCall exit = new SyscallCall(0x80, 1, new int[] {0, 0, 0, 0, 0}, List.of(), false, 0, List.of(), List.of(), List.of(), null);
        SyscallLog log = new SyscallLog(SyscallAbi.KERF, s.image(), List.of(s.calls().get(0), exit), List.of(), ProcessEnd.of(ProcessEnd.Kind.EXIT));
        SyscallLog back = SyscallLogCodec.read(SliceReader.read(file(log), NAME));
        assertThat(back.end().kind()).isEqualTo(ProcessEnd.Kind.EXIT);
        assertThat(SyscallAbi.KERF.line(back.calls().get(1))).isEqualTo("exit(0) = ?");
    }

    @Test
    void aFileCutAnywhereOrWithAnyBitFlippedIsAFormatErrorNamingFileAndOffset() {
        byte[] good = file(sample());
        for (int cut = 0; cut < good.length; cut++) {
            byte[] bytes = Arrays.copyOf(good, cut);
            assertThatThrownBy(() -> SyscallLogCodec.read(SliceReader.read(bytes, NAME))).as("cut at " + cut)
                    .isInstanceOf(FormatException.class).hasMessageContaining("log.ksys").hasMessageContaining("offset");
        }
        for (int bit = 0; bit < good.length * 8; bit++) {
            if (bit / 8 == 10 || bit / 8 == 11) continue; // the minor version: a higher minor of major 1 is read by design (§9.1)
            byte[] bytes = good.clone();
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThatThrownBy(() -> SyscallLogCodec.read(SliceReader.read(bytes, NAME))).as("bit " + bit)
                    .isInstanceOf(FormatException.class).hasMessageContaining("log.ksys").hasMessageContaining("offset");
        }
    }

    @Test
    void aSectionCutOrFlippedBehindValidCrcsIsRefusedOrReadNeverAnotherError() throws IOException {
        Slice good = SliceReader.read(file(sample()), NAME);
        for (SectionType type : List.of(SectionType.SYSCALL_IMAGE, SectionType.SYSCALL_LOG)) {
            byte[] data = good.only(type).data();
            for (int cut = 0; cut < data.length; cut++) {
                byte[] bytes = rebuilt(good, type, Arrays.copyOf(data, cut));
                int at = cut;
                assertThatThrownBy(() -> SyscallLogCodec.read(SliceReader.read(bytes, NAME)))
                        .as(type + " cut at " + at).isInstanceOf(FormatException.class).hasMessageContaining("log.ksys at offset");
            }
            for (int bit = 0; bit < data.length * 8; bit++) {
                byte[] flipped = data.clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                byte[] bytes = rebuilt(good, type, flipped);
                try {
                    SyscallLogCodec.read(SliceReader.read(bytes, NAME));
                } catch (FormatException e) {
                    assertThat(e).hasMessageContaining("log.ksys at offset");
                }
            }
        }
    }

    @Test
    void aHugeCountIsRefusedBeforeAnythingIsAllocated() throws IOException {
        Slice good = SliceReader.read(file(sample()), NAME);
        byte[] log = good.only(SectionType.SYSCALL_LOG).data().clone();
        log[0] = log[1] = log[2] = (byte) 0xFF;
        log[3] = 0x7F;
        byte[] bytes = rebuilt(good, SectionType.SYSCALL_LOG, log);
        assertThatThrownBy(() -> SyscallLogCodec.read(SliceReader.read(bytes, NAME)))
                .isInstanceOf(FormatException.class).hasMessageContaining("does not fit");
    }

    /** The same file with one section's data replaced (valid CRCs: only the codec can object). */
    private static byte[] rebuilt(Slice good, SectionType replaced, byte[] data) {
        SliceWriter w = new SliceWriter(good.header());
        for (Section s : good.sections()) w.add(s.type(), s.type() == replaced ? data : s.data());
        return w.finish();
    }
}
