package dev.kerf.retargeter.jvm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A retargeted JVM log (.kjvm, design §8): the program as invoked (main class, arguments), the
 * class files it ran, every native call in order and how it ended. Nothing else of the guest.
 *
 * @param mainClass internal name of the class whose main ran
 * @param args      the arguments main received
 */
public record JvmLog(String mainClass, List<String> args, List<JvmClass> classes, List<NativeCall> natives, JvmOutcome outcome) {
    public JvmLog {
        if (mainClass.isEmpty()) throw new IllegalArgumentException("no main class");
        args = List.copyOf(args);
        classes = List.copyOf(classes);
        natives = List.copyOf(natives);
        Map<String, JvmClass> seen = new LinkedHashMap<>();
        for (JvmClass c : classes) if (seen.put(c.name(), c) != null) throw new IllegalArgumentException("class " + c.name() + " twice");
        for (int i = 0; i < natives.size(); i++) {
            if (natives.get(i).seq() != i) throw new IllegalArgumentException("native call " + i + " has seq " + natives.get(i).seq());
        }
    }

    /** The class named {@code internalName}, or null. */
    public JvmClass find(String internalName) {
        for (JvmClass c : classes) if (c.name().equals(internalName)) return c;
        return null;
    }

    /** Total bytes of the class files. */
    public long classBytes() {
        long n = 0;
        for (JvmClass c : classes) n += c.length();
        return n;
    }

    /**
     * The output the log accounts for: the data of every write and print in order, then the
     * uncaught exception's text; {@code [bytes, crc]} as {@link JvmOutcome} stores them.
     */
    public static long[] outputDigest(List<NativeCall> natives, String uncaught) {
        CRC32C crc = new CRC32C();
        long n = 0;
        for (NativeCall c : natives) {
            if (!c.kind().isOutput()) continue;
            byte[] d = c.data();
            crc.update(d);
            n += d.length;
        }
        if (uncaught != null) {
            byte[] u = CharBytes.of(uncaught);
            crc.update(u);
            n += u.length;
        }
        return new long[] {n, crc.getValue()};
    }
}
