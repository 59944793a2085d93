package dev.kerf.slicer.privacy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeMap;

/**
 * Every occurrence of many byte patterns, for lists too large for a {@link LiteralAutomaton}: a
 * rolling hash of {@value #ANCHOR} bytes (one per shorter window size for shorter patterns) slides
 * over the data; a window whose hash starts some patterns leads, for each distinct length among
 * them, to the rolling hash of that length there, looked up in a table of whole patterns and
 * confirmed byte for byte. Building is a hash per pattern (100,000 secrets in three encodings: a
 * fraction of a second, where the automaton takes seconds and hundreds of MB); a scan costs a
 * multiply and a probe per byte and window size (at most 8), plus a probe per length at windows
 * that start a pattern — linear however the patterns begin (a list of {@code employee-0001},
 * {@code employee-0002}... shares its first 8 bytes). Finds exactly what the automaton finds (all
 * overlapping occurrences).
 */
final class LengthIndex {
    private static final long BASE = 0x9E3779B97F4A7C15L | 1;
    private static final int CHUNK = 1 << 16;
    static final int ANCHOR = 8;

    private final List<byte[]> patterns;
    /** Anchor window sizes, ascending (8, and the lengths of shorter patterns). */
    private final int[] windows;
    private final long[] windowPowers;
    /** Per window: distinct anchor hashes (open addressing) and their bucket. */
    private final long[][] anchorKeys;
    private final int[][] anchorBucket;
    /** Per bucket: the distinct pattern lengths that start with its anchor, and BASE^length. */
    private final int[][] bucketLengths;
    private final long[][] bucketPowers;
    /** Whole patterns by (length, hash): open addressing, -1 empty. */
    private final long[] fullKeys;
    private final int[] fullSlots;
    private final int longest;

    LengthIndex(List<byte[]> patterns) {
        this.patterns = patterns;
        TreeMap<Integer, int[]> count = new TreeMap<>();
        int max = 0;
        for (byte[] p : patterns) {
            count.computeIfAbsent(Math.min(ANCHOR, p.length), k -> new int[1])[0]++;
            max = Math.max(max, p.length);
        }
        longest = max;
        int n = count.size();
        windows = new int[n];
        windowPowers = new long[n];
        anchorKeys = new long[n][];
        anchorBucket = new int[n][];
        int g = 0;
        for (var e : count.entrySet()) {
            windows[g] = e.getKey();
            int size = Integer.highestOneBit(Math.max(4, e.getValue()[0] * 4 - 1)) << 1;
            anchorKeys[g] = new long[size];
            anchorBucket[g] = new int[size];
            Arrays.fill(anchorBucket[g], -1);
            windowPowers[g] = power(windows[g]);
            g++;
        }
        List<LinkedHashSet<Integer>> lengths = new ArrayList<>();
        int fullSize = Integer.highestOneBit(Math.max(4, patterns.size() * 2 - 1)) << 1;
        fullKeys = new long[fullSize];
        fullSlots = new int[fullSize];
        Arrays.fill(fullSlots, -1);
        for (int p = 0; p < patterns.size(); p++) {
            byte[] b = patterns.get(p);
            int gi = Arrays.binarySearch(windows, Math.min(ANCHOR, b.length));
            long a = hash(b, Math.min(ANCHOR, b.length));
            int mask = anchorKeys[gi].length - 1;
            int k = slot(a, mask);
            while (anchorBucket[gi][k] >= 0 && anchorKeys[gi][k] != a) k = (k + 1) & mask;
            if (anchorBucket[gi][k] < 0) {
                anchorKeys[gi][k] = a;
                anchorBucket[gi][k] = lengths.size();
                lengths.add(new LinkedHashSet<>());
            }
            lengths.get(anchorBucket[gi][k]).add(b.length);
            long full = hash(b, b.length);
            int q = fullSlot(full, b.length, fullSize - 1);
            while (fullSlots[q] >= 0) q = (q + 1) & (fullSize - 1);
            fullKeys[q] = full;
            fullSlots[q] = p;
        }
        bucketLengths = new int[lengths.size()][];
        bucketPowers = new long[lengths.size()][];
        for (int b = 0; b < lengths.size(); b++) {
            bucketLengths[b] = lengths.get(b).stream().mapToInt(Integer::intValue).toArray();
            bucketPowers[b] = new long[bucketLengths[b].length];
            for (int j = 0; j < bucketLengths[b].length; j++) bucketPowers[b][j] = power(bucketLengths[b][j]);
        }
    }

    private static long power(int n) {
        long pw = 1;
        for (int i = 0; i < n; i++) pw *= BASE;
        return pw;
    }

    private static long hash(byte[] b, int n) {
        long h = 0;
        for (int i = 0; i < n; i++) h = h * BASE + (b[i] & 0xFF) + 1;
        return h;
    }

    private static int slot(long h, int mask) {
        return (int) ((h ^ (h >>> 29)) * 0xBF58476D1CE4E5B9L >>> 40) & mask;
    }

    private static int fullSlot(long h, int length, int mask) {
        return slot(h ^ (long) length * 0x94D049BB133111EBL, mask);
    }

    /** Calls {@code out} with (pattern, start) for every occurrence in {@code data} (ASCII-lowered first when {@code fold}). */
    void scan(byte[] data, boolean fold, Sink out) {
        for (int start = 0; start < data.length; start += CHUNK) {
            int end = (int) Math.min(data.length, (long) start + CHUNK + longest - 1);
            byte[] view = new byte[end - start];
            for (int i = 0; i < view.length; i++) view[i] = fold ? SecretForm.fold(data[start + i]) : data[start + i];
            long[] prefix = new long[view.length + 1];
            for (int i = 0; i < view.length; i++) prefix[i + 1] = prefix[i] * BASE + (view[i] & 0xFF) + 1;
            int owned = Math.min(CHUNK, data.length - start);
            for (int g = 0; g < windows.length; g++) scanWindow(g, view, prefix, owned, start, out);
        }
    }

    private void scanWindow(int g, byte[] view, long[] prefix, int owned, int start, Sink out) {
        int w = windows[g];
        long pw = windowPowers[g];
        long[] ks = anchorKeys[g];
        int[] bk = anchorBucket[g];
        int mask = ks.length - 1;
        int fullMask = fullKeys.length - 1;
        int last = Math.min(owned, view.length - w + 1);
        for (int i = 0; i < last; i++) {
            long h = prefix[i + w] - prefix[i] * pw;
            int k = slot(h, mask);
            while (bk[k] >= 0 && ks[k] != h) k = (k + 1) & mask;
            if (bk[k] < 0) continue;
            int[] lens = bucketLengths[bk[k]];
            long[] pows = bucketPowers[bk[k]];
            for (int j = 0; j < lens.length; j++) {
                int len = lens[j];
                if (i + len > view.length) continue;
                long full = prefix[i + len] - prefix[i] * pows[j];
                for (int q = fullSlot(full, len, fullMask); fullSlots[q] >= 0; q = (q + 1) & fullMask) {
                    if (fullKeys[q] != full) continue;
                    byte[] pat = patterns.get(fullSlots[q]);
                    if (pat.length == len && Arrays.equals(view, i, i + len, pat, 0, len)) out.match(fullSlots[q], start + i);
                }
            }
        }
    }

    /** Receives occurrences. */
    interface Sink {
        void match(int pattern, long start);
    }
}
