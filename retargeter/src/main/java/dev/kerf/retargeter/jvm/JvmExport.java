package dev.kerf.retargeter.jvm;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * minijvm's {@code struct kerf_jvm_export} (JVM-CONTRACT.md §2): the addresses of its four hook
 * functions, found by scanning the process's initial image for the magic {@code KERFJVM1}
 * followed by version 1. The export is how the retargeter finds the hooks without symbols.
 */
record JvmExport(int address, int classHook, int nativeHook, int uncaughtHook, int exitHook) {
    static final byte[] MAGIC = "KERFJVM1".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;

    /**
     * The export in {@code image}. {@code who} names the process in errors
     * ({@code "P.kslice: process buggy (pid 7)"}).
     *
     * @throws JvmRetargetException when there is none, several, or one of another version
     */
    static JvmExport find(InitialImage image, String who) {
        List<Integer> hits = image.find(MAGIC);
        if (hits.isEmpty()) throw new JvmRetargetException(who + " is not a minijvm program: no KERFJVM1 export in its image");
        JvmExport found = null;
        Integer otherVersion = null;
        for (int at : hits) {
            Integer version = image.u32(at + 8);
            if (version == null) continue;
            if (version != VERSION) {
                otherVersion = version;
                continue;
            }
            Integer[] f = {image.u32(at + 12), image.u32(at + 16), image.u32(at + 20), image.u32(at + 24)};
            if (f[0] == null || f[1] == null || f[2] == null || f[3] == null) continue;
            if (found != null) throw new JvmRetargetException(who + ": two KERFJVM1 exports in its image (at "
                    + hex(found.address) + " and " + hex(at) + ")");
            found = new JvmExport(at, f[0], f[1], f[2], f[3]);
        }
        if (found != null) return found;
        if (otherVersion != null) throw new JvmRetargetException(who + ": its minijvm export is version "
                + Integer.toUnsignedString(otherVersion) + ", this kerf reads version " + VERSION + ": use a matching kerf");
        throw new JvmRetargetException(who + " is not a minijvm program: its KERFJVM1 export is cut short");
    }

    static String hex(int v) {
        return String.format("0x%08x", v);
    }
}
