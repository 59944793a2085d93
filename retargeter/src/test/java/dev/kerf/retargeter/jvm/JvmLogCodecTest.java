package dev.kerf.retargeter.jvm;

import dev.kerf.formats.FormatException;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceHeader;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.formats.slice.SliceWriter;
import dev.kerf.slicer.SectionOutput;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class JvmLogCodecTest {
    static final SliceHeader TEMPLATE = new SliceHeader(SliceKind.JVM, Map.of(), "ab".repeat(32), "jvm.kerf", 32 << 20, 0, List.of(), Map.of());
    private static final Path NAME = Path.of("P.kjvm");

    static JvmLog sample() {
        List<NativeCall> natives = List.of(
                new NativeCall(0, NativeKind.PRINT, "Inventory", "main", "([Ljava/lang/String;)V", 9, 0, false, "hi\n".getBytes()),
                new NativeCall(1, NativeKind.READ, "Inventory", "main", "([Ljava/lang/String;)V", 21, 4, false, "get\n".getBytes()),
                new NativeCall(2, NativeKind.READ, "Inventory", "main", "([Ljava/lang/String;)V", 21, -1, false, new byte[0]),
                new NativeCall(3, NativeKind.TIME, "a/b/Clock", "now", "()J", 0, 1_790_000_000_123L, false, new byte[0]),
                new NativeCall(4, NativeKind.READ_FILE, "Inventory", "load", "()[B", 3, 0, true, new byte[0]),
                new NativeCall(5, NativeKind.WRITE, "Inventory", "main", "([Ljava/lang/String;)V", 40, 0, false, "get\n".getBytes()));
        String uncaught = "Exception in thread \"main\" java.lang.ArithmeticException: / by zero\n\tat Inventory.main(Inventory.java:12)\n";
        long[] d = JvmLog.outputDigest(natives, uncaught);
        return new JvmLog("Inventory", List.of("7", "x\u00e9"), List.of(new JvmClass("Inventory", new byte[] {(byte) 0xCA, (byte) 0xFE, 1}),
                new JvmClass("a/b/Clock", new byte[] {2, 3})), natives, new JvmOutcome(1, uncaught, d[0], (int) d[1]));
    }

    static byte[] file(JvmLog log) {
        return JvmRetargeter.encode(log, TEMPLATE);
    }

    @Test
    void aLogSurvivesTheRoundTrip() throws Exception {
        JvmLog log = sample();
        Slice s = SliceReader.read(file(log), NAME);
        assertThat(s.header().kind()).isEqualTo(SliceKind.JVM);
        JvmLog back = JvmLogCodec.read(s);
        assertThat(back.mainClass()).isEqualTo("Inventory");
        assertThat(back.args()).containsExactly("7", "x\u00e9");
        assertThat(back.classes()).extracting(JvmClass::name).containsExactly("Inventory", "a/b/Clock");
        assertThat(back.classes().get(0).bytes()).containsExactly(0xCA, 0xFE, 1);
        assertThat(back.natives()).hasSize(6);
        for (int i = 0; i < 6; i++) {
            NativeCall a = log.natives().get(i), b = back.natives().get(i);
            assertThat(b.describe()).isEqualTo(a.describe());
            assertThat(b.data()).isEqualTo(a.data());
            assertThat(b.nullResult()).isEqualTo(a.nullResult());
        }
        assertThat(back.natives().get(3).result()).isEqualTo(1_790_000_000_123L);
        assertThat(back.outcome()).isEqualTo(log.outcome());
        assertThat(back.outcome().uncaughtType()).isEqualTo("java.lang.ArithmeticException");
    }

    @Test
    void everyTruncationIsAFormatExceptionNamingFileAndOffset() {
        byte[] f = file(sample());
        for (int n = 0; n < f.length; n++) {
            byte[] cut = Arrays.copyOf(f, n);
            Throwable t = catchThrowable(() -> JvmLogCodec.read(SliceReader.read(cut, NAME)));
            assertThat(t).as("cut at %d", n).isInstanceOf(FormatException.class);
            assertThat(t.getMessage()).as("cut at %d", n).startsWith("P.kjvm at offset 0x");
        }
    }

    @Test
    void everyBitFlipIsCaught() {
        byte[] f = file(sample());
        for (int i = 0; i < f.length; i++) {
            if (i == 10 || i == 11) continue; // the minor version: a higher minor is read on purpose (formats.md §9.1)
            for (int bit = 0; bit < 8; bit++) {
                byte[] g = f.clone();
                g[i] ^= (byte) (1 << bit);
                Throwable t = catchThrowable(() -> JvmLogCodec.read(SliceReader.read(g, NAME)));
                assertThat(t).as("bit %d of byte %d", bit, i).isInstanceOf(FormatException.class);
                assertThat(t.getMessage()).as("bit %d of byte %d", bit, i).startsWith("P.kjvm");
            }
        }
    }

    /** A file whose CRCs are right but whose sections say {@code classes}, {@code natives}, {@code outcome}. */
    private static Throwable read(byte[] classes, byte[] natives, byte[] outcome) {
        SliceWriter w = new SliceWriter(TEMPLATE);
        w.add(SectionType.JVM_CLASSES, classes).add(SectionType.JVM_NATIVES, natives).add(SectionType.JVM_OUTCOME, outcome);
        byte[] f = w.finish();
        return catchThrowable(() -> JvmLogCodec.read(SliceReader.read(f, NAME)));
    }

    private static byte[] classes() {
        return new SectionOutput().u16(1).bytes("M".getBytes()).u32(0).u32(1).u16(1).bytes("M".getBytes()).u32(1).u8(0xCA).toByteArray();
    }

    private static byte[] outcome() {
        long[] d = JvmLog.outputDigest(List.of(), null);
        return new SectionOutput().u32(0).u8(0).u64(d[0]).u32((int) d[1]).toByteArray();
    }

    private static SectionOutput call(int seq, int code) {
        SectionOutput o = new SectionOutput().u32(seq).u8(code);
        for (int i = 0; i < 3; i++) o.u16(1).u8('M');
        return o.u32(0);
    }

    @Test
    void wellFramedButWrongContentsAreRefusedAtTheirOffset() {
        assertThat(read(classes(), new SectionOutput().u32(0).toByteArray(), outcome())).isNull();
        assertThat(read(classes(), new SectionOutput().u32(0x7FFFFFFF).toByteArray(), outcome()))
                .isInstanceOf(FormatException.class).hasMessageContaining("JVM_NATIVES section: count 2147483647 does not fit");
        byte[] unknown = new SectionOutput().u32(1).bytes(call(0, 9).u64(0).u8(0).u32(0).toByteArray()).toByteArray();
        assertThat(read(classes(), unknown, outcome()).getMessage()).contains("unknown native code 9");
        byte[] timeWithData = new SectionOutput().u32(1).bytes(call(0, 4).u64(0).u8(0).u32(1).u8(7).toByteArray()).toByteArray();
        assertThat(read(classes(), timeWithData, outcome()).getMessage()).contains("native call 0 (time): time carries no data");
        byte[] one = new SectionOutput().u32(1).bytes(call(1, 4).u64(0).u8(0).u32(0).toByteArray()).toByteArray();
        assertThat(read(classes(), one, outcome()).getMessage()).contains("native call 0 has sequence number 1");
        byte[] badRead = new SectionOutput().u32(1).bytes(call(0, 1).u64(5).u8(0).u32(0).toByteArray()).toByteArray();
        assertThat(read(classes(), badRead, outcome()).getMessage()).contains("0 bytes of data for a result of 5");
        byte[] hugeBlob = new SectionOutput().u32(1).bytes(call(0, 2).u64(0).u8(0).u32(-1).toByteArray()).toByteArray();
        assertThat(read(classes(), hugeBlob, outcome()).getMessage()).contains("does not fit");
        byte[] twice = new SectionOutput().u16(1).bytes("M".getBytes()).u32(0).u32(2).u16(1).bytes("M".getBytes()).u32(0)
                .u16(1).bytes("M".getBytes()).u32(0).toByteArray();
        assertThat(read(twice, new SectionOutput().u32(0).toByteArray(), outcome()).getMessage()).contains("class M appears twice");
        byte[] digestOff = new SectionOutput().u32(0).u8(0).u64(3).u32(0).toByteArray();
        assertThat(read(classes(), new SectionOutput().u32(0).toByteArray(), digestOff).getMessage()).contains("output digest");
        assertThat(read(classes(), new SectionOutput().u32(0).toByteArray(), new SectionOutput().u32(0).u8(0).u64(0).u32(0).u8(1).toByteArray())
                .getMessage()).contains("1 bytes after the last entry");
        Throwable t = read(classes(), new SectionOutput().u32(0).toByteArray(), new SectionOutput().u32(-2).toByteArray());
        assertThat(t).isInstanceOf(FormatException.class).hasMessageStartingWith("P.kjvm at offset 0x").hasMessageContaining("exit status 4294967294");
    }

    @Test
    void aProcessSliceIsNotAJvmLog() {
        SliceHeader process = new SliceHeader(SliceKind.PROCESS, Map.of(), "ab".repeat(32), "x", 32 << 20, 0, List.of(), Map.of());
        byte[] f = new SliceWriter(process).finish();
        assertThatThrownBy(() -> JvmLogCodec.read(SliceReader.read(f, NAME))).isInstanceOf(FormatException.class)
                .hasMessageContaining("a process slice, not a JVM log");
    }
}
