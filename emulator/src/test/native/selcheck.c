/*
 * Native oracle for SystemDescriptorNativeTest: runs LAR LSL VERR VERW (32-bit operands) at
 * CPL 3 on every selector 0..0xFF of the host's GDT and prints one line per selector that any
 * of them accepts: "sel zfLar ar zfLsl limit zfVerr zfVerw" (hex selector/ar/limit).
 */
#include <stdio.h>

int main(void) {
    for (unsigned sel = 0; sel < 0x100; sel++) {
        unsigned ar = 0, lim = 0;
        unsigned char zl, zs, zr, zw;
        __asm__ volatile("lar %2, %0; setz %1" : "+r"(ar), "=q"(zl) : "r"(sel) : "cc");
        __asm__ volatile("lsl %2, %0; setz %1" : "+r"(lim), "=q"(zs) : "r"(sel) : "cc");
        __asm__ volatile("verr %w1; setz %0" : "=q"(zr) : "r"(sel) : "cc");
        __asm__ volatile("verw %w1; setz %0" : "=q"(zw) : "r"(sel) : "cc");
        if (zl | zs | zr | zw) printf("%02x %d %08x %d %08x %d %d\n", sel, zl, ar, zs, lim, zr, zw);
    }
    return 0;
}
