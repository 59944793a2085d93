package dev.kerf.slicer.privacy;

import dev.kerf.formats.slice.FingerprintSection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * Salted fingerprints of literal secrets (docs/slicing.md "Secrets travel with the slice"): enough
 * to find a secret in any data, not enough to read it back. Each form of each literal secret
 * ({@link SecretForm}) is one entry: its length, a prefilter (the top bits of a polynomial
 * rolling hash keyed by the salt, over its first {@value #ANCHOR} bytes — all of it when shorter)
 * and a digest (the first 64 bits of SHA-256(salt | form | bytes)).
 *
 * <p>Scanning: one rolling hash of {@value #ANCHOR} bytes slides over the data (another over its
 * ASCII-lowered copy for folded forms, and one per length for the few shorter fingerprints); a
 * window whose prefilter is in the table is confirmed, for each entry with that prefilter, by the
 * salted digest of the entry's length from there. Time is the data's length times a multiply and
 * a table probe, whatever the number of secrets and lengths, plus one SHA-256 per prefilter match;
 * the prefilter is wide enough ({@link #prefilterBits}) that about one window in 64 reaches
 * SHA-256 even for 100,000 secrets.
 *
 * <p>Immutable; safe to share. A regex cannot be fingerprinted: it is not carried.
 */
public final class Fingerprints {
    /** Bytes the prefilter covers: a fingerprint's first 8 (all of a shorter one). */
    static final int ANCHOR = 8;
    /** Data is hashed in windows of this many bytes (plus the longest fingerprint's length - 1). */
    private static final int CHUNK = 1 << 16;

    private final FingerprintSection section;
    private final byte[] salt;
    private final int bits;
    private final long[] table = new long[256];
    private final long base;
    private final Group[] groups;
    /** Per bucket (entries of one group sharing a prefilter): the distinct (length, form) pairs in it. */
    private int[][] bucketLength;
    private int[][] bucketForm;
    /** Entries by (digest, length, form): open addressing, -1 empty. */
    private int[] digestSlots;

    /**
     * The fingerprints of one (domain, prefilter window): an open-addressed table of distinct
     * prefilters to buckets. Many secrets can share a prefilter (a list of {@code employee-0001},
     * {@code employee-0002}...: the same first 8 bytes), so a bucket lists (length, form) pairs —
     * one SHA-256 each at a matching window — and the digest table finds the entries: build and
     * scan stay linear however the secrets begin.
     */
    private record Group(boolean folded, int length, long basePower, int[] keys, int[] buckets, int mask) {}

    /** One occurrence: entry {@code entry} of the section matched {@code length} bytes at {@code offset}. */
    public record Hit(int entry, int secret, SecretForm form, long offset, int length) {}

    private Fingerprints(FingerprintSection section) {
        this.section = section;
        this.salt = section.salt();
        this.bits = section.prefilterBits();
        ByteBuffer key = ByteBuffer.allocate(257 * 8);
        for (int block = 0; key.hasRemaining(); block++) {
            MessageDigest d = sha256();
            d.update("kerf fingerprint key".getBytes(StandardCharsets.US_ASCII));
            d.update(salt);
            d.update((byte) block);
            byte[] out = d.digest();
            key.put(out, 0, Math.min(out.length, key.remaining()));
        }
        key.flip();
        for (int i = 0; i < 256; i++) table[i] = key.getLong();
        base = key.getLong() | 1;
        this.groups = groups();
    }

    /**
     * Fingerprints of every form of every literal secret of {@code secrets}, under {@code salt}
     * (16 bytes; {@link SecretSet#salt()} draws one per file). Null when there is no literal.
     */
    public static Fingerprints of(SecretSet secrets, byte[] salt) {
        List<int[]> meta = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        for (Secret s : secrets.secrets()) {
            for (Secret.FormBytes f : s.forms()) {
                meta.add(new int[]{s.index(), f.form().code()});
                bytes.add(f.bytes());
            }
        }
        if (meta.isEmpty()) return null;
        int n = meta.size();
        int[] secret = new int[n], length = new int[n], prefilter = new int[n];
        byte[] form = new byte[n];
        long[] digest = new long[n];
        TreeMap<Long, Integer> sizes = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            boolean folded = SecretForm.of(meta.get(i)[1]).folded();
            sizes.merge((long) Math.min(ANCHOR, bytes.get(i).length) << 1 | (folded ? 1 : 0), 1, Integer::sum);
        }
        int largest = sizes.values().stream().mapToInt(Integer::intValue).max().orElse(1);
        int bits = prefilterBits(largest);
        Fingerprints keyed = new Fingerprints(new FingerprintSection(salt, bits, new int[0], new byte[0], new int[0], new int[0], new long[0]));
        MessageDigest sha = sha256();
        for (int i = 0; i < n; i++) {
            byte[] b = bytes.get(i);
            secret[i] = meta.get(i)[0];
            form[i] = (byte) meta.get(i)[1];
            length[i] = b.length;
            prefilter[i] = keyed.prefilter(keyed.hash(b, 0, Math.min(ANCHOR, b.length)));
            digest[i] = keyed.digest(sha, form[i], b, 0, b.length);
        }
        return new Fingerprints(new FingerprintSection(salt, bits, secret, form, length, prefilter, digest));
    }

    /**
     * The prefilter's width: 16 bits, or when one window holds more than 1,024 fingerprints, 6
     * bits more than log2 of that count (so about 1 window in 64 reaches SHA-256), at most 26.
     * Narrower is better for the secrets: a prefilter of b bits lets a guesser skip the SHA-256
     * of all but 1 in 2^b guesses.
     */
    static int prefilterBits(int largestGroup) {
        int log = 32 - Integer.numberOfLeadingZeros(Math.max(1, largestGroup - 1));
        return Math.max(16, Math.min(26, log + 6));
    }

    /** The fingerprints a file holds in a FINGERPRINTS section; an unknown form is {@code IllegalArgumentException} naming the entry. */
    public static Fingerprints of(FingerprintSection section) {
        for (int i = 0; i < section.size(); i++) {
            if (SecretForm.of(section.form(i)) == null)
                throw new IllegalArgumentException("entry " + i + ": unknown form " + section.form(i) + " (a newer kerf's file)");
        }
        return new Fingerprints(section);
    }

    public FingerprintSection section() { return section; }

    /** Entries (one per form of each secret). */
    public int size() { return section.size(); }

    /** Distinct secrets fingerprinted. */
    public int secrets() {
        int n = 0;
        for (int i = 0; i < section.size(); i++) if (i == 0 || section.secret(i) != section.secret(i - 1)) n++;
        return n;
    }

    /** Forms present, in code order. */
    public List<SecretForm> forms() {
        boolean[] seen = new boolean[256];
        for (int i = 0; i < section.size(); i++) seen[section.form(i)] = true;
        List<SecretForm> out = new ArrayList<>();
        for (SecretForm f : SecretForm.values()) if (seen[f.code()]) out.add(f);
        return out;
    }

    public int prefilterBits() { return bits; }

    /** Every occurrence in {@code data}, by group then offset (overlapping ones included). */
    public List<Hit> scan(byte[] data) {
        List<Hit> out = new ArrayList<>();
        scan(data, out);
        return out;
    }

    /** The occurrence that starts first (the longest there), or null. */
    public Hit first(byte[] data) {
        Hit best = null;
        for (Hit h : scan(data)) {
            if (best == null || h.offset() < best.offset() || (h.offset() == best.offset() && h.length() > best.length())) best = h;
        }
        return best;
    }

    /**
     * Overwrites every occurrence in {@code data} with {@code filler}, again until none is left
     * (filling can make a new one) or 8 rounds; returns the occurrences filled.
     */
    public int redact(byte[] data, byte filler) {
        int total = 0;
        for (int round = 0; round < 8; round++) {
            List<Hit> hits = scan(data);
            int live = 0;
            for (Hit h : hits) {
                boolean changed = false;
                for (long i = h.offset(); i < h.offset() + h.length(); i++) {
                    if (data[(int) i] != filler) {
                        data[(int) i] = filler;
                        changed = true;
                    }
                }
                if (changed) live++;
            }
            total += live;
            if (live == 0) break;
        }
        return total;
    }

    /** {@code text} with every occurrence (in its UTF-8 bytes) replaced by {@code filler} bytes. */
    public String redact(String text, byte filler) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return redact(b, filler) == 0 ? text : new String(b, StandardCharsets.UTF_8);
    }

    private void scan(byte[] data, List<Hit> out) {
        if (groups.length == 0 || data.length == 0) return;
        int longest = 0;
        boolean anyFolded = false;
        for (Group g : groups) anyFolded |= g.folded();
        for (int e = 0; e < section.size(); e++) longest = Math.max(longest, section.length(e));
        MessageDigest sha = sha256();
        for (int start = 0; start < data.length; start += CHUNK) {
            int end = (int) Math.min(data.length, (long) start + CHUNK + longest - 1);
            long[] prefix = prefix(data, start, end);
            byte[] lowered = null;
            long[] foldedPrefix = null;
            if (anyFolded) {
                lowered = new byte[end - start];
                for (int i = 0; i < lowered.length; i++) lowered[i] = SecretForm.fold(data[start + i]);
                foldedPrefix = prefix(lowered, 0, lowered.length);
            }
            int windows = Math.min(CHUNK, data.length - start); // window starts owned by this chunk
            for (Group g : groups) {
                if (g.folded()) scanGroup(g, lowered, 0, lowered.length, foldedPrefix, windows, start, sha, out);
                else scanGroup(g, data, start, data.length, prefix, windows, start, sha, out);
            }
        }
    }

    /** prefix[i] = hash of bytes [from, from + i). */
    private long[] prefix(byte[] data, int from, int to) {
        long[] p = new long[to - from + 1];
        long h = 0;
        for (int i = from; i < to; i++) {
            h = h * base + table[data[i] & 0xFF];
            p[i - from + 1] = h;
        }
        return p;
    }

    private void scanGroup(Group g, byte[] bytes, int bytesBase, int bytesEnd, long[] prefix, int windows, long offsetBase,
                           MessageDigest sha, List<Hit> out) {
        int len = g.length();
        long power = g.basePower();
        int[] keys = g.keys();
        int[] buckets = g.buckets();
        int mask = g.mask();
        int shift = 64 - bits;
        int last = Math.min(windows, prefix.length - len); // window starts with a whole window in the chunk
        for (int i = 0; i < last; i++) {
            long h = prefix[i + len] - prefix[i] * power;
            int p = (int) (h >>> shift);
            int k = p & mask;
            while (keys[k] >= 0 && keys[k] != p) k = (k + 1) & mask;
            if (keys[k] < 0) continue;
            int b = buckets[k];
            int[] lengths = bucketLength[b], forms = bucketForm[b];
            for (int j = 0; j < lengths.length; j++) {
                int length = lengths[j];
                if (length > bytesEnd - (bytesBase + i)) continue;
                long d = digest(sha, forms[j], bytes, bytesBase + i, length);
                int dm = digestSlots.length - 1;
                for (int q = digestSlot(d, length, forms[j], dm); digestSlots[q] >= 0; q = (q + 1) & dm) {
                    int e = digestSlots[q];
                    if (section.digest(e) == d && section.length(e) == length && section.form(e) == forms[j]) {
                        out.add(new Hit(e, section.secret(e), SecretForm.of(forms[j]), offsetBase + i, length));
                    }
                }
            }
        }
    }

    private static int digestSlot(long digest, int length, int form, int mask) {
        long h = (digest ^ ((long) length << 8 | form)) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 33) & mask;
    }

    private long hash(byte[] b, int from, int length) {
        long h = 0;
        for (int i = from; i < from + length; i++) h = h * base + table[b[i] & 0xFF];
        return h;
    }

    private int prefilter(long hash) {
        return (int) (hash >>> (64 - bits));
    }

    private long digest(MessageDigest d, int form, byte[] b, int from, int length) {
        d.reset();
        d.update(salt);
        d.update((byte) form);
        d.update(b, from, length);
        return ByteBuffer.wrap(d.digest()).getLong();
    }

    private Group[] groups() {
        TreeMap<Long, List<Integer>> by = new TreeMap<>();
        for (int i = 0; i < section.size(); i++) {
            boolean folded = SecretForm.of(section.form(i)).folded();
            by.computeIfAbsent((long) Math.min(ANCHOR, section.length(i)) << 1 | (folded ? 1 : 0), k -> new ArrayList<>()).add(i);
        }
        List<Group> out = new ArrayList<>();
        List<int[]> lengths = new ArrayList<>(), forms = new ArrayList<>();
        by.forEach((key, entries) -> {
            int len = (int) (key >>> 1);
            int size = Integer.highestOneBit(Math.max(4, entries.size() * 4 - 1)) << 1; // at most a quarter full
            int[] keys = new int[size], buckets = new int[size];
            Arrays.fill(keys, -1); // prefilters are below 2^26: -1 is free
            int mask = size - 1;
            List<java.util.LinkedHashSet<Long>> pairs = new ArrayList<>();
            for (int e : entries) {
                int k = section.prefilter(e) & mask;
                while (keys[k] >= 0 && keys[k] != section.prefilter(e)) k = (k + 1) & mask;
                if (keys[k] < 0) {
                    keys[k] = section.prefilter(e);
                    buckets[k] = lengths.size() + pairs.size();
                    pairs.add(new java.util.LinkedHashSet<>());
                }
                pairs.get(buckets[k] - lengths.size()).add((long) section.length(e) << 8 | section.form(e));
            }
            for (var set : pairs) {
                int[] l = new int[set.size()], f = new int[set.size()];
                int j = 0;
                for (long x : set) {
                    l[j] = (int) (x >>> 8);
                    f[j++] = (int) (x & 0xFF);
                }
                lengths.add(l);
                forms.add(f);
            }
            long power = 1;
            for (int i = 0; i < len; i++) power *= base;
            out.add(new Group((key & 1) != 0, len, power, keys, buckets, mask));
        });
        bucketLength = lengths.toArray(new int[0][]);
        bucketForm = forms.toArray(new int[0][]);
        int size = Integer.highestOneBit(Math.max(4, section.size() * 2 - 1)) << 1;
        digestSlots = new int[size];
        Arrays.fill(digestSlots, -1);
        for (int e = 0; e < section.size(); e++) {
            int q = digestSlot(section.digest(e), section.length(e), section.form(e), size - 1);
            while (digestSlots[q] >= 0) q = (q + 1) & (size - 1);
            digestSlots[q] = e;
        }
        return out.toArray(new Group[0]);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return size() + " fingerprints of " + secrets() + " secrets (" + Arrays.toString(forms().toArray()) + ", " + bits + "-bit prefilter)";
    }
}
