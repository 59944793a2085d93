/*
 * A gcc-compiled workload for GuestProgramTest: the same compute() is built as a flat 32-bit
 * image for kerf (guestcheck.bin, run from 0x10000 with the results at 0x30000) and natively
 * for the host (prints the expected results). Regenerate with build-guestcheck.sh.
 */
typedef unsigned int u32;
typedef unsigned long long u64;

static u32 seed = 12345;
static u32 next(void) { seed = seed * 1103515245u + 12345u; return seed >> 8; }

static u32 crc32(const unsigned char *p, int n) {
    u32 c = 0xFFFFFFFFu;
    for (int i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & -(c & 1));
    }
    return ~c;
}

static void sort(int *a, int n) {
    for (int i = 1; i < n; i++) {
        int v = a[i], j = i - 1;
        while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static int classify(int x) {
    switch (x & 15) {
        case 0: return 11; case 1: return 23; case 2: return 5; case 3: return 77;
        case 4: return 1; case 5: return 99; case 6: return 31; case 7: return 8;
        default: return x >> 3;
    }
}

__attribute__((noinline)) void compute(u32 *out) {
    unsigned char buf[256];
    int arr[64];
    for (int i = 0; i < 256; i++) buf[i] = (unsigned char) next();
    out[0] = crc32(buf, 256);
    for (int i = 0; i < 64; i++) arr[i] = (int) next() - 0x400000;
    sort(arr, 64);
    u32 h = 0;
    for (int i = 0; i < 64; i++) h = h * 31 + (u32) arr[i];
    out[1] = h;
    out[2] = (u32) arr[0];
    out[3] = (u32) arr[63];
    u64 a = ((u64) next() << 32) | next(), b = ((u64) next() << 20) | next();
    u64 m = a * b;
    out[4] = (u32) m;
    out[5] = (u32) (m >> 32);
    out[6] = (u32) (a >> 13) ^ (u32) (b << 7);
    out[7] = (u32) ((a << 17) >> 40);
    int s = 0;
    for (int i = -50; i < 50; i++) s += (i * 7919) / 13 + (i * 104729) % 17 + classify(i);
    out[8] = (u32) s;
    u32 bits = 0;
    for (int i = 1; i < 200; i++) {
        u32 v = next() | 1;
        bits += __builtin_ctz(v << (i & 15)) + __builtin_clz(v) + (v > 0x7FFFFF ? 3 : 0);
    }
    out[9] = bits;
    int d = 0;
    for (int i = 1; i < 100; i++) { int x = (int) next() - 0x800000; d += x / i + x % i; }
    out[10] = (u32) d;
    unsigned short w = 0xFFFF; signed char c = -5;
    u32 mix = 0;
    for (int i = 0; i < 100; i++) { w = (unsigned short) (w * 3 + i); c = (signed char) (c * 5 - i); mix += w + c + (w < 1000) + (c > 10 ? 1 : -1); }
    out[11] = mix;
    out[12] = 0x600DF00D;
}
