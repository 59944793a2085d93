package dev.kerf.retargeter.jvm;

/**
 * Text as minijvm writes it: each char as one byte, its low 8 bits (JVM-CONTRACT.md §1,
 * {@code Sys.print}). Names and texts read from the guest are the reverse: each byte one char.
 * Both directions are total, so no text in a .kjvm can fail to decode.
 */
public final class CharBytes {
    private CharBytes() {}

    /** Each char's low 8 bits. */
    public static byte[] of(String s) {
        byte[] b = new byte[s.length()];
        for (int i = 0; i < b.length; i++) b[i] = (byte) s.charAt(i);
        return b;
    }

    /** Each byte as the char of the same value (ISO-8859-1). */
    public static String text(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
