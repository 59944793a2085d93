package dev.kerf.slicer.component;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Finds one regular file in a ustar archive (the guest's initrd). Hostile input: bounds checked. */
final class Ustar {
    private Ustar() {}

    /** The bytes of {@code path} (no leading slash), or null when the archive does not hold it. */
    static byte[] find(byte[] tar, String path) {
        int pos = 0;
        while (pos + 512 <= tar.length) {
            if (tar[pos] == 0) return null; // end-of-archive blocks
            String name = field(tar, pos, 100);
            String prefix = field(tar, pos + 345, 155);
            if (!prefix.isEmpty()) name = prefix + "/" + name;
            long size = octal(tar, pos + 124, 12);
            if (size < 0 || pos + 512 + size > tar.length) return null;
            byte type = tar[pos + 156];
            if ((type == '0' || type == 0) && strip(name).equals(path)) {
                return Arrays.copyOfRange(tar, pos + 512, pos + 512 + (int) size);
            }
            pos += 512 + (int) ((size + 511) / 512 * 512);
        }
        return null;
    }

    /** Regular files directly under {@code dir} (e.g. "bin/"), names without the directory, in archive order. */
    static java.util.List<String> list(byte[] tar, String dir) {
        java.util.List<String> out = new java.util.ArrayList<>();
        int pos = 0;
        while (pos + 512 <= tar.length && tar[pos] != 0) {
            String name = strip(field(tar, pos, 100));
            long size = octal(tar, pos + 124, 12);
            if (size < 0 || pos + 512 + size > tar.length) break;
            byte type = tar[pos + 156];
            if ((type == '0' || type == 0) && name.startsWith(dir) && name.indexOf('/', dir.length()) < 0) out.add(name.substring(dir.length()));
            pos += 512 + (int) ((size + 511) / 512 * 512);
        }
        return out;
    }

    private static String strip(String name) {
        String n = name;
        while (n.startsWith("./") || n.startsWith("/")) n = n.substring(n.indexOf('/') + 1);
        return n;
    }

    private static String field(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.ISO_8859_1);
    }

    private static long octal(byte[] b, int off, int len) {
        long v = 0;
        for (int i = off; i < off + len && b[i] != 0 && b[i] != ' '; i++) {
            if (b[i] < '0' || b[i] > '7') return -1;
            v = v * 8 + (b[i] - '0');
        }
        return v;
    }
}
