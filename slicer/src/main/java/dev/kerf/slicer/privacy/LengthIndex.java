package dev.kerf.slicer.privacy;

import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * Every occurrence of many byte patterns, for lists too large for a {@link LiteralAutomaton}: a
 * rolling hash of each pattern's first {@value #ANCHOR} bytes (all of a shorter one) slides over the
 * data, one per window size; a hash found in that window's table is confirmed byte for byte for
 * each pattern it names. Building is a hash per pattern (100,000 secrets in three encodings: a
 * fraction of a second, where the automaton takes seconds and hundreds of MB); a scan costs a
 * multiply and a probe per byte and window size (at most 8), plus the comparisons. Finds exactly
 * what the automaton finds (all overlapping occurrences).
 */
final class LengthIndex {
    private static final long BASE = 0x9E3779B97F4A7C15L | 1;
    private static final int CHUNK = 1 << 16;
    static final int ANCHOR = 8;

    private final List<byte[]> patterns;
    private final int[] lengths;
    private final long[] powers;
    private final long[][] keys;
    private final int[][] slots;
    private final int longest;

    LengthIndex(List<byte[]> patterns) {
        this.patterns = patterns;
        TreeMap<Integer, int[]> count = new TreeMap<>();
        int max = 0;
        for (byte[] p : patterns) {
            count.computeIfAbsent(Math.min(ANCHOR, p.length), k -> new int[1])[0]++;
            max = Math.max(max, p.length);
        }
        int n = count.size();
        lengths = new int[n];
        powers = new long[n];
        keys = new long[n][];
        slots = new int[n][];
        int g = 0;
        for (var e : count.entrySet()) {
            lengths[g] = e.getKey();
            int size = Integer.highestOneBit(Math.max(4, e.getValue()[0] * 4 - 1)) << 1;
            keys[g] = new long[size];
            slots[g] = new int[size];
            Arrays.fill(slots[g], -1);
            long pw = 1;
            for (int i = 0; i < lengths[g]; i++) pw *= BASE;
            powers[g] = pw;
            g++;
        }
        longest = max;
        for (int p = 0; p < patterns.size(); p++) {
            byte[] b = patterns.get(p);
            int w = Math.min(ANCHOR, b.length);
            int gi = Arrays.binarySearch(lengths, w);
            long h = 0;
            for (int i = 0; i < w; i++) h = h * BASE + (b[i] & 0xFF) + 1;
            int mask = keys[gi].length - 1;
            int k = slot(h, mask);
            while (slots[gi][k] >= 0) k = (k + 1) & mask;
            keys[gi][k] = h;
            slots[gi][k] = p;
        }
    }

    private static int slot(long h, int mask) {
        return (int) ((h ^ (h >>> 29)) * 0xBF58476D1CE4E5B9L >>> 40) & mask;
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
            for (int g = 0; g < lengths.length; g++) {
                int len = lengths[g];
                long pw = powers[g];
                long[] ks = keys[g];
                int[] sl = slots[g];
                int mask = ks.length - 1;
                int last = Math.min(owned, view.length - len + 1);
                for (int i = 0; i < last; i++) {
                    long h = prefix[i + len] - prefix[i] * pw;
                    for (int k = slot(h, mask); sl[k] >= 0; k = (k + 1) & mask) {
                        if (ks[k] != h) continue;
                        byte[] pat = patterns.get(sl[k]);
                        if (i + pat.length <= view.length && Arrays.equals(view, i, i + pat.length, pat, 0, pat.length)) {
                            out.match(sl[k], start + i);
                        }
                    }
                }
            }
        }
    }

    /** Receives occurrences. */
    interface Sink {
        void match(int pattern, long start);
    }
}
