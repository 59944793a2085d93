package dev.kerf.retargeter.jvm;

import dev.kerf.formats.FormatException;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.formats.slice.SliceWriter;
import dev.kerf.slicer.SectionInput;
import dev.kerf.slicer.SectionOutput;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The only code that knows the bytes of a JVM log's three sections (docs/formats.md §11). All
 * integers little-endian; a Text is {@code u16 n + n bytes}, each byte one char (ISO-8859-1).
 *
 * <pre>
 * JVM_CLASSES (64) Main Text | A u32 | A x (n u32 + n bytes) arguments
 *                  | C u32 | C x (Name Text | n u32 + n bytes class file)     names distinct, non-empty
 * JVM_NATIVES (65) N u32 | N x (Seq u32 (= its index) | Native u8 (1 read 2 write 3 print 4 time 5 readFile)
 *                  | CallerClass Text | CallerMethod Text | CallerDesc Text | CallerPc u32
 *                  | Result u64 | Flags u8 (bit 0: null result; readFile only) | n u32 + n bytes data)
 * JVM_OUTCOME (66) ExitStatus u32 (0xFFFFFFFF: the slice ended first) | Uncaught u8 (0|1)
 *                  | Uncaught = 1: n u32 + n bytes text | OutputBytes u64 | OutputCrc u32
 * </pre>
 * Data rules: read has Result in -1..2^31-1 and exactly max(Result, 0) data bytes; time has none;
 * write and print have Result 0; only readFile may set the null flag, and then has no data.
 */
public final class JvmLogCodec {
    private static final int MAX_TEXT = 0xFFFF;

    private JvmLogCodec() {}

    /** Adds the three sections of {@code log} to {@code writer}. */
    public static void write(JvmLog log, SliceWriter writer) {
        SectionOutput c = text(new SectionOutput(), log.mainClass()).u32(log.args().size());
        for (String a : log.args()) blob(c, CharBytes.of(a));
        c.u32(log.classes().size());
        for (JvmClass k : log.classes()) blob(text(c, k.name()), k.bytes());
        writer.add(SectionType.JVM_CLASSES, c.toByteArray());
        SectionOutput n = new SectionOutput().u32(log.natives().size());
        for (NativeCall k : log.natives()) {
            n.u32(k.seq()).u8(k.kind().code());
            text(text(text(n, k.callerClass()), k.callerMethod()), k.callerDesc());
            n.u32(k.callerPc()).u64(k.result()).u8(k.nullResult() ? 1 : 0);
            blob(n, k.data());
        }
        writer.add(SectionType.JVM_NATIVES, n.toByteArray());
        JvmOutcome o = log.outcome();
        SectionOutput e = new SectionOutput().u32(o.exitStatus()).u8(o.uncaught() == null ? 0 : 1);
        if (o.uncaught() != null) blob(e, CharBytes.of(o.uncaught()));
        writer.add(SectionType.JVM_OUTCOME, e.u64(o.outputBytes()).u32(o.outputCrc()).toByteArray());
    }

    private static SectionOutput text(SectionOutput out, String s) {
        if (s.length() > MAX_TEXT) throw new IllegalArgumentException("text of " + s.length() + " chars: too long for the format");
        return out.u16(s.length()).bytes(CharBytes.of(s));
    }

    private static SectionOutput blob(SectionOutput out, byte[] b) {
        return out.u32(b.length).bytes(b);
    }

    /** Reads a .kjvm's sections; any problem is a FormatException naming the file and the offset. */
    public static JvmLog read(Slice file) {
        if (file.header().kind() != SliceKind.JVM) {
            throw new FormatException(file.file(), 0, "a " + file.header().kind().jsonName() + " slice, not a JVM log (.kjvm)");
        }
        for (var s : file.sections()) {
            if (s.type() != SectionType.JVM_CLASSES && s.type() != SectionType.JVM_NATIVES && s.type() != SectionType.JVM_OUTCOME
                    && s.type() != SectionType.FINGERPRINTS) { // the privacy stage's, read by it
                throw new FormatException(file.file(), s.offset(), "a " + s.type() + " section does not belong in a JVM log");
            }
        }
        SectionInput c = new SectionInput(file, file.only(SectionType.JVM_CLASSES));
        String main = name(c, "main class");
        int argc = c.count(4);
        List<String> args = new ArrayList<>();
        for (int i = 0; i < argc; i++) args.add(CharBytes.text(blob(c)));
        int classCount = c.count(7);
        List<JvmClass> classes = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < classCount; i++) {
            String name = name(c, "class name");
            if (!names.add(name)) throw c.fail("class " + name + " appears twice");
            classes.add(new JvmClass(name, blob(c)));
        }
        c.end();
        List<NativeCall> natives = natives(new SectionInput(file, file.only(SectionType.JVM_NATIVES)));
        SectionInput o = new SectionInput(file, file.only(SectionType.JVM_OUTCOME));
        JvmOutcome outcome = outcome(o);
        long[] digest = JvmLog.outputDigest(natives, outcome.uncaught());
        if (digest[0] != outcome.outputBytes() || (int) digest[1] != outcome.outputCrc()) {
            throw o.fail("the output digest (" + outcome.outputBytes() + " bytes) does not match the natives' and the uncaught text's ("
                    + digest[0] + " bytes)");
        }
        return new JvmLog(main, args, classes, natives, outcome);
    }

    private static List<NativeCall> natives(SectionInput in) {
        int n = in.count(31);
        List<NativeCall> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int seq = in.u32();
            if (seq != i) throw in.fail("native call " + i + " has sequence number " + Integer.toUnsignedString(seq));
            int code = in.u8();
            NativeKind kind = NativeKind.of(code);
            if (kind == null) throw in.fail("unknown native code " + code);
            String cls = name(in, "caller class"), method = name(in, "caller method"), desc = name(in, "caller descriptor");
            int pc = in.u32();
            if (pc < 0 || pc > 0xFFFF) throw in.fail("bytecode index " + Integer.toUnsignedString(pc) + " is beyond a method's 64 KiB");
            long result = in.u64();
            int flags = in.u8();
            if ((flags & ~1) != 0 || (flags != 0 && kind != NativeKind.READ_FILE)) throw in.fail("flags " + flags + " on a " + kind.javaName());
            byte[] data = blob(in);
            String bad = check(kind, result, flags != 0, data.length);
            if (bad != null) throw in.fail("native call " + i + " (" + kind.javaName() + "): " + bad);
            out.add(new NativeCall(seq, kind, cls, method, desc, pc, result, flags != 0, data));
        }
        in.end();
        return out;
    }

    /** The data rules of the class Javadoc; null when {@code kind}'s call obeys them. */
    static String check(NativeKind kind, long result, boolean isNull, int dataLength) {
        switch (kind) {
            case READ:
                if (result < -1 || result > Integer.MAX_VALUE) return "result " + result + " is not a count";
                if (dataLength != Math.max(result, 0)) return dataLength + " bytes of data for a result of " + result;
                return null;
            case TIME:
                return dataLength == 0 ? null : "time carries no data";
            case READ_FILE:
                if (result != 0) return "result " + result + " (readFile returns its data)";
                return isNull && dataLength != 0 ? "a null result with data" : null;
            default:
                return result == 0 ? null : "result " + result + " for a void native";
        }
    }

    private static JvmOutcome outcome(SectionInput in) {
        int status = in.u32();
        if (status < -1) throw in.fail("exit status " + Integer.toUnsignedString(status));
        int has = in.u8();
        if (has > 1) throw in.fail("uncaught flag " + has);
        String uncaught = has == 1 ? CharBytes.text(blob(in)) : null;
        long bytes = in.u64();
        if (bytes < 0) throw in.fail("output byte count " + Long.toUnsignedString(bytes));
        int crc = in.u32();
        in.end();
        return new JvmOutcome(status, uncaught, bytes, crc);
    }

    private static String name(SectionInput in, String what) {
        int n = in.u16();
        if (n == 0) throw in.fail("empty " + what);
        return CharBytes.text(in.bytes(n));
    }

    private static byte[] blob(SectionInput in) {
        int n = in.u32();
        if (n < 0) throw in.fail("length " + Integer.toUnsignedString(n) + " does not fit in the section");
        return in.bytes(n);
    }
}
