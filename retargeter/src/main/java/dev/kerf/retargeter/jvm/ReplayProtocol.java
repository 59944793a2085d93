package dev.kerf.retargeter.jvm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages between kerf (the parent, which holds the log and decides the verdict) and the
 * replay's child JVM ({@link SandboxMain}, which runs the program), over the child's stdin and
 * stdout. Big-endian ({@link DataOutputStream}); a Text is {@code u32 n + n bytes UTF-8}, a Blob
 * {@code u32 n + n bytes}.
 *
 * <pre>
 * parent to child  Setup: u32 MAGIC | Text file | Text main class | u32 A | A x Text | u32 C | C x (Text name | Blob class file)
 *                  then one reply per native call: 'O' u64 result | u8 null | Blob data, or 'S' (stop: the verdict is made)
 * child to parent  'N' u8 native | Text class | Text method | Text descriptor | u32 bytecode index
 *                      | read: u32 room | write, print: Blob bytes | time, readFile: nothing
 *                  'R' Text permission class | Text name | Text actions | Text where (or "")   the sandbox refused something
 *                  'X' Text message                                                           the log cannot be replayed
 *                  'E' u8 status | u8 uncaught (0|1) | uncaught: Text type | u8 latin1 | Blob text   the program ended
 * </pre>
 * The child only reports what happened; every decision (a native call's result, whether it
 * matches, the verdict) is the parent's, which reads each field with a bound.
 */
final class ReplayProtocol {
    static final int MAGIC = 0x4B524A31; // "KRJ1"
    static final int NATIVE = 'N', REFUSED = 'R', ERROR = 'X', END = 'E';
    static final int OK = 'O', STOP = 'S';
    /** The longest Text either side sends or accepts; the child cuts longer ones (names, paths in a refusal). */
    static final int MAX_TEXT = 1 << 20;

    private ReplayProtocol() {}

    static void writeText(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_TEXT) b = (s.substring(0, MAX_TEXT / 4) + "...").getBytes(StandardCharsets.UTF_8);
        writeBlob(out, b);
    }

    static String readText(DataInputStream in) throws IOException {
        return new String(readBlob(in, MAX_TEXT), StandardCharsets.UTF_8);
    }

    static void writeBlob(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    static byte[] readBlob(DataInputStream in, int max) throws IOException {
        int n = length(in, max);
        byte[] b = in.readNBytes(n);
        if (b.length < n) throw new EOFException();
        return b;
    }

    /** A u32 length, refused above {@code max}. */
    static int length(DataInputStream in, long max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) throw new Broken("a length of " + Integer.toUnsignedString(n) + " bytes (at most " + max + ")");
        return n;
    }

    /** A message that does not follow the protocol. */
    static final class Broken extends IOException {
        Broken(String message) {
            super(message);
        }
    }

    /** The program to run, as the parent sends it. */
    record Setup(String file, String mainClass, List<String> args, List<JvmClass> classes) {}

    static void writeSetup(DataOutputStream out, Setup s) throws IOException {
        out.writeInt(MAGIC);
        writeText(out, s.file());
        writeText(out, s.mainClass());
        out.writeInt(s.args().size());
        for (String a : s.args()) writeText(out, a);
        out.writeInt(s.classes().size());
        for (JvmClass c : s.classes()) {
            writeText(out, c.name());
            writeBlob(out, c.bytes());
        }
        out.flush();
    }

    static Setup readSetup(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) throw new IOException("not a replay setup");
        String file = readText(in), main = readText(in);
        int argc = length(in, Integer.MAX_VALUE);
        List<String> args = new ArrayList<>();
        for (int i = 0; i < argc; i++) args.add(readText(in));
        int n = length(in, Integer.MAX_VALUE);
        List<JvmClass> classes = new ArrayList<>();
        for (int i = 0; i < n; i++) classes.add(new JvmClass(readText(in), readBlob(in, Integer.MAX_VALUE)));
        return new Setup(file, main, args, classes);
    }
}
