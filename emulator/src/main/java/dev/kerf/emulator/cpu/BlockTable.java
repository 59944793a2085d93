package dev.kerf.emulator.cpu;

import java.util.Arrays;

/**
 * The translator's blocks by (physical address, EIP): open addressing with linear probing over a
 * mixed hash. Not a {@code HashMap<Long, Block>}: its hash of such a key is {@code phys ^ eip},
 * which is one constant for a kernel mapped at a fixed offset (every Linux kernel block fell in one
 * bucket), and it boxes every lookup. Looked up and replaced, never iterated into execution.
 */
final class BlockTable {
    private long[] keys = new long[1 << 12];
    private Block[] values = new Block[1 << 12];
    private int size;

    static long key(int phys, int eip) {
        return (long) phys << 32 | (eip & 0xFFFFFFFFL);
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    Block get(long key) {
        int mask = keys.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            Block b = values[i];
            if (b == null) return null;
            if (keys[i] == key) return b;
        }
    }

    void put(long key, Block b) {
        if (b == null) throw new IllegalArgumentException("null block");
        if ((size + 1) * 2 > keys.length) grow();
        int mask = keys.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            if (values[i] == null) {
                keys[i] = key;
                values[i] = b;
                size++;
                return;
            }
            if (keys[i] == key) {
                values[i] = b;
                return;
            }
        }
    }

    /** Removes the entry for {@code key} if it is {@code b}. */
    void remove(long key, Block b) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        for (; ; i = (i + 1) & mask) {
            if (values[i] == null) return;
            if (keys[i] == key) break;
        }
        if (values[i] != b) return;
        // backward-shift deletion keeps every probe sequence unbroken
        int hole = i;
        for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = null;
        keys[hole] = 0;
        size--;
    }

    void clear() {
        Arrays.fill(values, null);
        Arrays.fill(keys, 0);
        size = 0;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        Block[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Block[oldValues.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) put(oldKeys[i], oldValues[i]);
        }
    }
}
