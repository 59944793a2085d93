package dev.kerf.formats.slice;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A FINGERPRINTS section (docs/formats.md §9.9): salted fingerprints of the secrets a slice was cut
 * with, so that every file derived from it can be searched for them without holding them. Only
 * this class knows the bytes; what the fields mean (the forms, the prefilter hash, the digest) is
 * the privacy stage's ({@code dev.kerf.slicer.privacy.Fingerprints}).
 *
 * <pre>
 * u8      version        1; another is refused ("use a newer kerf")
 * u8      prefilterBits  16..32: bits of each entry's prefilter
 * u8[16]  salt           random per file
 * u32     count
 * count x Entry (21 bytes, in secret order):
 *   u32 secret      the secret's number in the slice that named it
 *   u8  form        how its bytes were formed (1 utf-8, 2 utf-16le, 3 utf-16be, 4 case-folded, 5 hex, 6 base64)
 *   u32 length      bytes of the formed secret, 1..2^31-1
 *   u32 prefilter   keyed rolling hash of those bytes, below 2^prefilterBits
 *   u64 digest      first 8 bytes (big-endian) of SHA-256(salt | form | bytes)
 * </pre>
 * The section must end exactly after the last entry. A file may hold several (one per salt: its
 * own secrets, and those it inherited from the file it was derived from).
 */
public final class FingerprintSection {
    public static final int VERSION = 1;
    public static final int SALT_BYTES = 16;
    public static final int ENTRY_BYTES = 21;
    /** Bytes before the first entry. */
    public static final int FIXED_BYTES = 2 + SALT_BYTES + 4;

    private final byte[] salt;
    private final int prefilterBits;
    private final int[] secret;
    private final byte[] form;
    private final int[] length;
    private final int[] prefilter;
    private final long[] digest;

    /** Arrays of equal length, one element per entry; kept as given (not copied): callers hand them over. */
    public FingerprintSection(byte[] salt, int prefilterBits, int[] secret, byte[] form, int[] length, int[] prefilter, long[] digest) {
        if (salt.length != SALT_BYTES) throw new IllegalArgumentException("a salt is " + SALT_BYTES + " bytes");
        if (prefilterBits < 16 || prefilterBits > 32) throw new IllegalArgumentException("prefilter bits " + prefilterBits);
        int n = secret.length;
        if (form.length != n || length.length != n || prefilter.length != n || digest.length != n)
            throw new IllegalArgumentException("entry arrays of different lengths");
        this.salt = salt.clone();
        this.prefilterBits = prefilterBits;
        this.secret = secret;
        this.form = form;
        this.length = length;
        this.prefilter = prefilter;
        this.digest = digest;
    }

    public byte[] salt() { return salt.clone(); }

    public int prefilterBits() { return prefilterBits; }

    public int size() { return secret.length; }

    public int secret(int i) { return secret[i]; }

    public int form(int i) { return form[i] & 0xFF; }

    public int length(int i) { return length[i]; }

    public int prefilter(int i) { return prefilter[i]; }

    public long digest(int i) { return digest[i]; }

    /** The section's data. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(FIXED_BYTES + secret.length * ENTRY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) VERSION).put((byte) prefilterBits).put(salt).putInt(secret.length);
        for (int i = 0; i < secret.length; i++) {
            b.putInt(secret[i]).put(form[i]).putInt(length[i]).putInt(prefilter[i]);
            b.order(ByteOrder.BIG_ENDIAN).putLong(digest[i]).order(ByteOrder.LITTLE_ENDIAN);
        }
        return b.array();
    }

    /** Reads one FINGERPRINTS section of {@code slice}; every problem is a FormatException at its offset. */
    public static FingerprintSection read(Slice slice, Section s) {
        byte[] d = s.data();
        if (d.length < FIXED_BYTES) throw slice.fail(s, 0, "truncated: " + d.length + " bytes, the fixed part is " + FIXED_BYTES);
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        int version = b.get() & 0xFF;
        if (version != VERSION) throw slice.fail(s, 0, "fingerprint version " + version + ", this kerf reads " + VERSION + ": use a newer kerf");
        int bits = b.get() & 0xFF;
        if (bits < 16 || bits > 32) throw slice.fail(s, 1, "prefilter of " + bits + " bits (16..32)");
        byte[] salt = new byte[SALT_BYTES];
        b.get(salt);
        long count = b.getInt() & 0xFFFFFFFFL;
        if (count * ENTRY_BYTES != d.length - FIXED_BYTES)
            throw slice.fail(s, FIXED_BYTES - 4, "count " + count + " does not fit the " + (d.length - FIXED_BYTES) + " bytes of entries");
        int n = (int) count;
        int[] secret = new int[n], length = new int[n], prefilter = new int[n];
        byte[] form = new byte[n];
        long[] digest = new long[n];
        for (int i = 0; i < n; i++) {
            int at = FIXED_BYTES + i * ENTRY_BYTES;
            secret[i] = b.getInt();
            form[i] = b.get();
            length[i] = b.getInt();
            prefilter[i] = b.getInt();
            digest[i] = b.order(ByteOrder.BIG_ENDIAN).getLong();
            b.order(ByteOrder.LITTLE_ENDIAN);
            if (secret[i] < 0 || (i > 0 && secret[i] < secret[i - 1])) throw slice.fail(s, at, "entry " + i + ": secret numbers out of order");
            if (form[i] == 0) throw slice.fail(s, at + 4, "entry " + i + ": form 0");
            if (length[i] <= 0) throw slice.fail(s, at + 5, "entry " + i + ": length " + Integer.toUnsignedString(length[i]));
            if (bits < 32 && (prefilter[i] >>> bits) != 0) throw slice.fail(s, at + 9, "entry " + i + ": prefilter wider than " + bits + " bits");
        }
        return new FingerprintSection(salt, bits, secret, form, length, prefilter, digest);
    }

    /** Every FINGERPRINTS section of {@code slice}, in file order. */
    public static java.util.List<FingerprintSection> all(Slice slice) {
        java.util.List<FingerprintSection> out = new java.util.ArrayList<>();
        for (Section s : slice.all(SectionType.FINGERPRINTS)) out.add(read(slice, s));
        return out;
    }
}
