package dev.kerf.slicer.privacy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One way a literal secret's bytes can appear in data. The code is what a fingerprint stores
 * (docs/formats.md §9.9); codes are never reused. Encodings are always searched; the
 * {@link #extra() extra} forms only with {@code --secret-forms}.
 *
 * <p>{@link #folded()} forms are matched over the data with ASCII letters lowered (A-Z to a-z,
 * nothing else changes, so offsets stay the same): the case-folded form catches {@code HUNTER2}
 * for {@code hunter2}, the hex form {@code 4a4b} and {@code 4A4B} alike.
 */
public enum SecretForm {
    /** The secret's exact bytes: UTF-8 for text, the raw bytes of a line that is not UTF-8. */
    UTF8(1, "utf-8", false, false),
    /** UTF-16 little-endian (wide strings on a little-endian machine). */
    UTF16LE(2, "utf-16le", false, false),
    /** UTF-16 big-endian (Java's and the network's wide strings). */
    UTF16BE(3, "utf-16be", false, false),
    /** The UTF-8 bytes with ASCII letters lowered, matched over lowered data: any ASCII case. */
    FOLDED(4, "case-folded", true, true),
    /** Lower-case hex of the UTF-8 bytes, matched over lowered data: either case of hex digits. */
    HEX(5, "hex", true, true),
    /** Standard base64 (RFC 4648 alphabet) of the UTF-8 bytes at each of the three alignments: the characters that depend on the secret alone. */
    BASE64(6, "base64", false, true);

    /** A base64 core shorter than this is not searched: a few characters match by accident everywhere. */
    static final int MIN_BASE64_CORE = 4;

    private final int code;
    private final String label;
    private final boolean folded;
    private final boolean extra;

    SecretForm(int code, String label, boolean folded, boolean extra) {
        this.code = code;
        this.label = label;
        this.folded = folded;
        this.extra = extra;
    }

    public int code() { return code; }

    /** As the manifest and messages name it. */
    public String label() { return label; }

    /** Matched over ASCII-lowered data. */
    public boolean folded() { return folded; }

    /** Only with {@code --secret-forms}. */
    public boolean extra() { return extra; }

    /** The form stored under {@code code}, or null when this kerf does not know it. */
    public static SecretForm of(int code) {
        for (SecretForm f : values()) if (f.code == code) return f;
        return null;
    }

    /** ASCII lower case of one byte (A-Z only). */
    static byte fold(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }

    static byte[] fold(byte[] bytes) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) out[i] = fold(out[i]);
        return out;
    }

    /**
     * The byte strings of this form of a secret whose exact bytes are {@code raw} and text (when
     * it is valid UTF-8) {@code text}: none when the form does not apply (a wide encoding of bytes
     * that are not text; a base64 core too short), several for base64 (one per alignment).
     */
    List<byte[]> bytesOf(byte[] raw, String text) {
        List<byte[]> out = new ArrayList<>();
        switch (this) {
            case UTF8 -> out.add(raw);
            case UTF16LE -> { if (text != null) out.add(text.getBytes(StandardCharsets.UTF_16LE)); }
            case UTF16BE -> { if (text != null) out.add(text.getBytes(StandardCharsets.UTF_16BE)); }
            case FOLDED -> out.add(fold(raw));
            case HEX -> out.add(hex(raw));
            case BASE64 -> {
                for (int k = 0; k < 3; k++) {
                    byte[] core = base64Core(raw, k);
                    if (core.length >= MIN_BASE64_CORE) out.add(core);
                }
            }
        }
        return out;
    }

    private static byte[] hex(byte[] raw) {
        byte[] out = new byte[raw.length * 2];
        for (int i = 0; i < raw.length; i++) {
            out[2 * i] = (byte) Character.forDigit((raw[i] >> 4) & 0xF, 16);
            out[2 * i + 1] = (byte) Character.forDigit(raw[i] & 0xF, 16);
        }
        return out;
    }

    /**
     * The base64 characters of {@code raw} preceded by {@code k} other bytes (0..2) that depend on
     * {@code raw} alone: character j of the encoding covers bits 6j..6j+5 of the stream, and raw
     * covers bits 8k..8k+8n-1, so the core is characters ceil(8k/6) .. floor((8k+8n)/6)-1.
     */
    static byte[] base64Core(byte[] raw, int k) {
        byte[] padded = new byte[k + raw.length + 2];
        System.arraycopy(raw, 0, padded, k, raw.length);
        byte[] enc = Base64.getEncoder().encode(padded);
        int from = (8 * k + 5) / 6, to = (8 * k + 8 * raw.length) / 6;
        if (to <= from) return new byte[0];
        byte[] core = new byte[to - from];
        System.arraycopy(enc, from, core, 0, core.length);
        return core;
    }
}
