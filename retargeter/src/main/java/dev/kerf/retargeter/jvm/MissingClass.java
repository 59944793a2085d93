package dev.kerf.retargeter.jvm;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Stand-ins for classes a replayed program refers to but minijvm never loaded. minijvm loads a
 * class when the program first uses it, so a class it never loaded was never used in the guest;
 * but the host JVM verifies a whole class at link time and loads the classes its checks name
 * (a catch type, the operand of athrow...), used or not. The stand-in has the missing class's
 * name, RuntimeException as its superclass (so the verifier finds it assignable to Object,
 * Throwable, Exception and RuntimeException, which covers catch types, athrow and the java types
 * a class usually flows into; interfaces count as Object for the verifier) and a static
 * initializer that calls {@link #touched}: the first real use (new, a static method or field)
 * stops the replay with "class X is not in P.kjvm", as does a lookup of a member it lacks.
 */
public final class MissingClass {
    /** The binary name the stand-ins call; the replay's class loader hands out this host class for it. */
    static final String BINARY_NAME = MissingClass.class.getName();

    private MissingClass() {}

    /** Called by a stand-in's static initializer: the program really uses a class the log lacks. */
    public static void touched(String message) {
        SysNatives n = ActiveReplay.natives();
        if (n instanceof ChildNatives c) c.fail(message);
        throw new NoClassDefFoundError(message);
    }

    /** The superclass every stand-in gets. */
    static String superclassFor(String internalName) {
        return "java/lang/RuntimeException";
    }

    /** A class file (version 52) for the stand-in: {@code public class NAME extends SUPER { static { touched(message); } }}. */
    static byte[] standIn(String internalName, String message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream o = new DataOutputStream(bytes)) {
            o.writeInt(0xCAFEBABE);
            o.writeShort(0);
            o.writeShort(52);
            o.writeShort(16);
            utf8(o, internalName);                         // 1
            o.writeByte(7); o.writeShort(1);               // 2 Class this
            utf8(o, superclassFor(internalName));          // 3
            o.writeByte(7); o.writeShort(3);               // 4 Class super
            utf8(o, "<clinit>");                           // 5
            utf8(o, "()V");                                // 6
            utf8(o, "Code");                               // 7
            utf8(o, message);                              // 8
            o.writeByte(8); o.writeShort(8);               // 9 String message
            utf8(o, BINARY_NAME.replace('.', '/'));        // 10
            o.writeByte(7); o.writeShort(10);              // 11 Class MissingClass
            utf8(o, "touched");                            // 12
            utf8(o, "(Ljava/lang/String;)V");              // 13
            o.writeByte(12); o.writeShort(12); o.writeShort(13); // 14 NameAndType
            o.writeByte(10); o.writeShort(11); o.writeShort(14); // 15 Methodref
            o.writeShort(0x21);
            o.writeShort(2);
            o.writeShort(4);
            o.writeShort(0);
            o.writeShort(0);
            o.writeShort(1);
            o.writeShort(0x08); o.writeShort(5); o.writeShort(6); o.writeShort(1);
            o.writeShort(7); o.writeInt(18); o.writeShort(1); o.writeShort(0); o.writeInt(6);
            o.write(new byte[] {0x12, 9, (byte) 0xB8, 0, 15, (byte) 0xB1});
            o.writeShort(0); o.writeShort(0);
            o.writeShort(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void utf8(DataOutputStream o, String s) throws IOException {
        o.writeByte(1);
        o.writeUTF(s);
    }
}
