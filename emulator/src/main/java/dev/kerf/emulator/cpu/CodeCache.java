package dev.kerf.emulator.cpu;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compiled block code shared by the CPUs of one process, addressed by content
 * (docs/block-translator.md §3). A {@link BlockCode} is a pure function of its block's
 * instructions — their bytes, the EIP of each, CS.D — and of the form (plain or observed): it
 * holds no CPU, no physical address and no CS base (the decoded instructions are its class data,
 * everything else comes in as {@code run(c, x)}'s arguments). So the key is (entry EIP, CS.D,
 * observed, the block's bytes), and a second replay in the same process runs, from its first
 * visit of a block, the code an earlier replay compiled for the same bytes.
 *
 * <p>What it can change is speed only: compiled code and the interpreter give identical results
 * (the engines' equivalence), and bytes that differ are another key, so code made from bytes a
 * guest has since overwritten can never be used for the new bytes. It is never iterated for
 * anything that reaches execution; eviction is first in, first out.
 *
 * <p>Thread-safe (replays may run on several threads): every access takes the cache's lock. It is
 * consulted only when a translator makes a block and when a block reaches its compile threshold,
 * never on the path that runs blocks. Bounded by a number of entries; an evicted entry's hidden
 * class unloads once no block still refers to it.
 */
final class CodeCache {
    /** Entries kept by {@link #PROCESS}: more than the blocks the Linux boot and selftest compile. */
    static final int DEFAULT_ENTRIES = 16_384;

    /**
     * The process's cache, what every {@link Cpu} uses unless given another
     * ({@link Cpu#useCodeCache}). The one static mutable object of the CPU, held to the same
     * standard as the JVM's own code cache: it holds only pure functions of guest bytes, so what
     * is in it can change how fast a guest runs, never what it computes. Tests that count
     * compilations or need a cold translator give their CPUs a private one.
     */
    static final CodeCache PROCESS = new CodeCache(DEFAULT_ENTRIES);

    private final int maxEntries;
    /** Insertion order: the eldest entry is evicted first. */
    private final LinkedHashMap<Key, BlockCode> map;
    private long evicted;

    CodeCache(int maxEntries) {
        if (maxEntries < 1) throw new IllegalArgumentException("code cache of " + maxEntries + " entries");
        this.maxEntries = maxEntries;
        this.map = new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, BlockCode> eldest) {
                if (size() <= CodeCache.this.maxEntries) return false;
                evicted++;
                return true;
            }
        };
    }

    /** The code for {@code b}'s content in the form asked for, or null. */
    synchronized BlockCode get(Block b, boolean observed) {
        return map.get(new Key(b, observed));
    }

    /**
     * Offers {@code code}, compiled from {@code b} ({@code observed} form), and returns the code
     * to use: {@code code}, or what another CPU published for the same content first.
     */
    synchronized BlockCode publish(Block b, boolean observed, BlockCode code) {
        BlockCode there = map.putIfAbsent(new Key(b, observed), code);
        return there != null ? there : code;
    }

    synchronized int size() {
        return map.size();
    }

    /** Entries dropped to keep the bound. */
    synchronized long evicted() {
        return evicted;
    }

    int maxEntries() {
        return maxEntries;
    }

    /**
     * (entry EIP, CS.D, observed, bytes). Comparable, so a bucket of colliding hashes (the bytes
     * come from the guest) becomes a tree rather than a list.
     */
    private static final class Key implements Comparable<Key> {
        final int eip;
        final boolean big, observed;
        final byte[] bytes;
        final int hash;

        Key(Block b, boolean observed) {
            if (b.bytes == null) throw new IllegalArgumentException("a marker block has no code");
            this.eip = b.eip;
            this.big = b.big;
            this.observed = observed;
            this.bytes = b.bytes;
            long h = 0xCBF29CE484222325L ^ (eip & 0xFFFFFFFFL) ^ (big ? 1L << 32 : 0) ^ (observed ? 1L << 33 : 0);
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
            return o instanceof Key k && k.hash == hash && k.eip == eip && k.big == big && k.observed == observed
                    && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int compareTo(Key k) {
            int c = Integer.compare(hash, k.hash);
            if (c == 0) c = Integer.compare(eip, k.eip);
            if (c == 0) c = Boolean.compare(big, k.big);
            if (c == 0) c = Boolean.compare(observed, k.observed);
            if (c == 0) c = Arrays.compare(bytes, k.bytes);
            return c;
        }
    }
}
