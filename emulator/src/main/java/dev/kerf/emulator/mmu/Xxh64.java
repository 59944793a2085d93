package dev.kerf.emulator.mmu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * XXH64 (Yann Collet's xxHash, 64-bit, as specified in xxHash's {@code doc/xxhash_spec.md}), seed
 * 0 unless given: the page hash of the state hash's RAM part ({@link PhysicalMemory#ramHash()}).
 * Byte input is read little-endian whatever the host; {@link #ofLongs} hashes a {@code long[]} as
 * the concatenation of its values' 8-byte little-endian encodings, without building those bytes.
 */
public final class Xxh64 {
    static final long P1 = 0x9E3779B185EBCA87L;
    static final long P2 = 0xC2B2AE3D27D4EB4FL;
    static final long P3 = 0x165667B19E3779F9L;
    static final long P4 = 0x85EBCA77C2B2AE63L;
    static final long P5 = 0x27D4EB2F165667C5L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private Xxh64() {}

    /** XXH64 with seed 0 of {@code b[off, off + len)}. */
    public static long of(byte[] b, int off, int len) {
        int end = off + len, i = off;
        long h;
        if (len >= 32) {
            long v1 = P1 + P2, v2 = P2, v3 = 0, v4 = -P1;
            for (; i <= end - 32; i += 32) {
                v1 = round(v1, (long) LONGS.get(b, i));
                v2 = round(v2, (long) LONGS.get(b, i + 8));
                v3 = round(v3, (long) LONGS.get(b, i + 16));
                v4 = round(v4, (long) LONGS.get(b, i + 24));
            }
            h = merge(v1, v2, v3, v4);
        } else {
            h = P5;
        }
        h += len;
        for (; i <= end - 8; i += 8) h = tail8(h, (long) LONGS.get(b, i));
        if (i <= end - 4) {
            h ^= ((int) INTS.get(b, i) & 0xFFFFFFFFL) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            i += 4;
        }
        for (; i < end; i++) {
            h ^= (b[i] & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
        }
        return avalanche(h);
    }

    /** XXH64 with seed 0 of the {@code 8 * v.length} bytes of {@code v}, each value little-endian. */
    public static long ofLongs(long[] v) {
        int n = v.length, i = 0;
        long h;
        if (n >= 4) {
            long v1 = P1 + P2, v2 = P2, v3 = 0, v4 = -P1;
            for (; i <= n - 4; i += 4) {
                v1 = round(v1, v[i]);
                v2 = round(v2, v[i + 1]);
                v3 = round(v3, v[i + 2]);
                v4 = round(v4, v[i + 3]);
            }
            h = merge(v1, v2, v3, v4);
        } else {
            h = P5;
        }
        h += 8L * n;
        for (; i < n; i++) h = tail8(h, v[i]);
        return avalanche(h);
    }

    /** XXH64's round: also the mix of the register and flat RAM state hashes ({@code StateHasher}). */
    public static long round(long acc, long input) {
        return Long.rotateLeft(acc + input * P2, 31) * P1;
    }

    private static long merge(long v1, long v2, long v3, long v4) {
        long h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
        h = (h ^ round(0, v1)) * P1 + P4;
        h = (h ^ round(0, v2)) * P1 + P4;
        h = (h ^ round(0, v3)) * P1 + P4;
        return (h ^ round(0, v4)) * P1 + P4;
    }

    private static long tail8(long h, long lane) {
        h ^= round(0, lane);
        return Long.rotateLeft(h, 27) * P1 + P4;
    }

    /** XXH64's final avalanche: also the state hashes' ({@code StateHasher}). */
    public static long avalanche(long h) {
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        return h ^ (h >>> 32);
    }
}
