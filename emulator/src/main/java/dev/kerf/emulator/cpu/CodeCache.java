package dev.kerf.emulator.cpu;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compiled block code shared by the CPUs of one process, addressed by content
 * (docs/block-translator.md §3). A {@link BlockCode} is a pure function of its block's
 * instructions — their bytes, the EIP of each, CS.D — and of its form (plain, or observed for
 * hooks): it holds no CPU, no physical address and no CS base (the decoded instructions are its
 * class data, everything else comes in as {@code run(c, x)}'s arguments). So an {@link Entry} is
 * keyed by (entry EIP, CS.D, the block's bytes) and holds the two forms separately, plus the
 * runs of that content counted over every CPU of the process: a second replay in the same process
 * runs, from its first visit of a block, the code an earlier replay compiled for the same bytes,
 * and a block that each replay runs too few times to compile is compiled once the replays
 * together have run it {@link Translator#compileAfter} times.
 *
 * <p>What it can change is speed only: compiled code and the interpreter give identical results
 * (the engines' equivalence), and bytes that differ are another key, so code made from bytes a
 * guest has since overwritten can never be used for the new bytes. It is never iterated for
 * anything that reaches execution; eviction is first in, first out.
 *
 * <p>Thread-safe (replays may run on several threads): the table is behind the cache's lock,
 * taken only when a translator makes a block; an entry's forms are published once each
 * (volatile, first one wins); its run count is a plain int that racing threads may undercount,
 * which can only delay a compilation. Bounded by a number of entries; an evicted entry's hidden
 * classes unload once no block still refers to them (a block keeps its entry: the CPU that made
 * it goes on counting and compiling as before, only sharing it is lost).
 */
final class CodeCache {
    /**
     * Entries kept by {@link #PROCESS}: block contents, compiled or not (a replay of the example's
     * selftest makes 1,590; the Linux boot compiles 1,662 forms).
     */
    static final int DEFAULT_ENTRIES = 65_536;

    /**
     * The process's cache, what every {@link Cpu} uses unless given another
     * ({@link Cpu#useCodeCache}). The one static mutable object of the CPU, held to the same
     * standard as the JVM's own code cache: it holds only pure functions of guest bytes (and
     * counts that decide when to make them), so what is in it can change how fast a guest runs,
     * never what it computes. Tests that count compilations or need a cold translator give their
     * CPUs a private one.
     */
    static final CodeCache PROCESS = new CodeCache(DEFAULT_ENTRIES);

    /** The compiled forms of one block content, and its runs before they were compiled. */
    static final class Entry {
        private volatile BlockCode plain, observed;
        /** Runs, by every CPU that made a block of this content, that were interpreted. */
        int runs;

        BlockCode code(boolean observedForm) {
            return observedForm ? observed : plain;
        }

        /** Offers {@code code} as the form asked for; returns the code to use (the first offered wins). */
        synchronized BlockCode publish(boolean observedForm, BlockCode code) {
            if (observedForm) {
                if (observed == null) observed = code;
                return observed;
            }
            if (plain == null) plain = code;
            return plain;
        }
    }

    private final int maxEntries;
    /** Insertion order: the eldest entry is evicted first. */
    private final LinkedHashMap<Key, Entry> map;
    private long evicted;

    CodeCache(int maxEntries) {
        if (maxEntries < 1) throw new IllegalArgumentException("code cache of " + maxEntries + " entries");
        this.maxEntries = maxEntries;
        this.map = new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                if (size() <= CodeCache.this.maxEntries) return false;
                evicted++;
                return true;
            }
        };
    }

    /** The entry for code of {@code bytes} entered at {@code eip} with CS.D {@code big}: the one there, or a new one. */
    synchronized Entry entry(int eip, boolean big, byte[] bytes) {
        return map.computeIfAbsent(new Key(eip, big, bytes), k -> new Entry());
    }

    synchronized int size() {
        return map.size();
    }

    /** Entries dropped to keep the bound. */
    synchronized long evicted() {
        return evicted;
    }

    /**
     * (entry EIP, CS.D, bytes). Comparable, so a bucket of colliding hashes (the bytes come from
     * the guest) becomes a tree rather than a list.
     */
    private static final class Key implements Comparable<Key> {
        final int eip;
        final boolean big;
        final byte[] bytes;
        final int hash;

        Key(int eip, boolean big, byte[] bytes) {
            this.eip = eip;
            this.big = big;
            this.bytes = java.util.Objects.requireNonNull(bytes, "bytes");
            long h = 0xCBF29CE484222325L ^ (eip & 0xFFFFFFFFL) ^ (big ? 1L << 32 : 0);
            for (byte v : bytes) h = (h ^ (v & 0xFF)) * 0x100000001B3L;
            h ^= h >>> 29;
            h *= 0xBF58476D1CE4E5B9L;
            this.hash = (int) (h ^ (h >>> 32));
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && k.eip == eip && k.big == big && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int compareTo(Key k) {
            int c = Integer.compare(hash, k.hash);
            if (c == 0) c = Integer.compare(eip, k.eip);
            if (c == 0) c = Boolean.compare(big, k.big);
            if (c == 0) c = Arrays.compare(bytes, k.bytes);
            return c;
        }
    }
}
