/*
 * Generates native-flags.txt: register-only integer instructions executed on the host CPU
 * (x86-64 in 64-bit mode, where these encodings mean the same as in 32-bit code) with random
 * operands and input flags, recording the results. NativeFlagsTest replays every line on kerf
 * and compares, masking what the SDM leaves undefined (the mask is computed here per case).
 *
 * Build and run (on an x86-64 Linux host):
 *   gcc -O1 -o flaggen flaggen.c && ./flaggen > ../resources/dev/kerf/emulator/cpu/native-flags.txt
 *
 * Line: bytes | eax ebx ecx edx eflags (in) | eax ebx ecx edx eflags (out) | flagmask regmask
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define CF 0x1
#define PF 0x4
#define AF 0x10
#define ZF 0x40
#define SF 0x80
#define OF 0x800
#define ARITH (CF | PF | AF | ZF | SF | OF)

static uint8_t *page;
static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(void) {
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (uint32_t) rng;
}

/* Interesting operand values: edges more often than uniform random. */
static uint32_t operand(void) {
    static const uint32_t edges[] = {0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF,
        0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFF80, 0x99, 0x0F, 0x10};
    uint32_t r = rnd();
    if ((r & 3) == 0) return edges[(r >> 2) % (sizeof edges / sizeof edges[0])];
    return rnd();
}

/* state: eax ebx ecx edx eflags */
static void run(const uint8_t *insn, int len, uint32_t *st) {
    static const uint8_t pre[] = {
        0x53,                         /* push rbx */
        0x49, 0x89, 0xf8,             /* mov r8, rdi */
        0x41, 0x8b, 0x00,             /* mov eax, [r8] */
        0x41, 0x8b, 0x58, 0x04,       /* mov ebx, [r8+4] */
        0x41, 0x8b, 0x48, 0x08,       /* mov ecx, [r8+8] */
        0x41, 0x8b, 0x50, 0x0c,       /* mov edx, [r8+12] */
        0x41, 0xff, 0x70, 0x10,       /* push qword [r8+16] */
        0x9d};                        /* popfq */
    static const uint8_t post[] = {
        0x9c,                         /* pushfq */
        0x41, 0x8f, 0x40, 0x10,       /* pop qword [r8+16] */
        0x41, 0x89, 0x00,             /* mov [r8], eax */
        0x41, 0x89, 0x58, 0x04,       /* mov [r8+4], ebx */
        0x41, 0x89, 0x48, 0x08,       /* mov [r8+8], ecx */
        0x41, 0x89, 0x50, 0x0c,       /* mov [r8+12], edx */
        0x5b, 0xc3};                  /* pop rbx; ret */
    uint64_t buf[3] = {(uint64_t) st[0] | (uint64_t) st[1] << 32, (uint64_t) st[2] | (uint64_t) st[3] << 32, st[4]};
    int n = 0;
    memcpy(page + n, pre, sizeof pre); n += sizeof pre;
    memcpy(page + n, insn, len); n += len;
    memcpy(page + n, post, sizeof post);
    ((void (*)(uint64_t *)) page)(buf);
    st[0] = (uint32_t) buf[0]; st[1] = (uint32_t) (buf[0] >> 32);
    st[2] = (uint32_t) buf[1]; st[3] = (uint32_t) (buf[1] >> 32);
    st[4] = (uint32_t) buf[2];
}

static void emit(const uint8_t *insn, int len, uint32_t ecx, uint32_t flagmask, uint32_t regmask) {
    uint32_t in[5] = {operand(), operand(), ecx, operand(), 0x202 | (rnd() & ARITH)};
    uint32_t out[5];
    memcpy(out, in, sizeof in);
    run(insn, len, out);
    for (int i = 0; i < len; i++) printf("%02x", insn[i]);
    printf(" | %08x %08x %08x %08x %08x | %08x %08x %08x %08x %08x | %03x %x\n",
           in[0], in[1], in[2], in[3], in[4], out[0], out[1], out[2], out[3], out[4] & 0xFFF, flagmask, regmask);
}

/* size: 0 = 8, 1 = 16, 2 = 32. Returns encoding length with an optional 66 prefix. */
static int enc(uint8_t *b, int size, int op8, const uint8_t *rest, int restLen) {
    int n = 0;
    if (size == 1) b[n++] = 0x66;
    b[n++] = size == 0 ? op8 : op8 + 1;
    memcpy(b + n, rest, restLen);
    return n + restLen;
}

static void alu(void) {
    for (int op = 0; op < 8; op++)
        for (int size = 0; size < 3; size++)
            for (int k = 0; k < 40; k++) {
                uint8_t b[4], modrm = 0xd8; /* op r/m=eax, reg=ebx */
                int len = enc(b, size, op << 3, &modrm, 1);
                uint32_t mask = (op == 1 || op == 4 || op == 6) ? ARITH & ~AF : ARITH;
                emit(b, len, operand(), mask, 0xF);
            }
}

static void unary(void) {
    /* INC DEC (FE/FF /0 /1), NOT NEG (F6/F7 /2 /3) */
    const uint8_t ops[][2] = {{0xfe, 0xc0}, {0xfe, 0xc8}, {0xf6, 0xd0}, {0xf6, 0xd8}};
    for (int i = 0; i < 4; i++)
        for (int size = 0; size < 3; size++)
            for (int k = 0; k < 30; k++) {
                uint8_t b[4];
                int len = enc(b, size, ops[i][0], &ops[i][1], 1);
                emit(b, len, operand(), ARITH, 0xF);
            }
}

static uint32_t shiftCount(void) {
    static const uint32_t counts[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 0xFF, 0x101};
    uint32_t r = rnd();
    return (r & 1) ? counts[(r >> 1) % 15] : rnd() & 0xFF;
}

static void shifts(void) {
    for (int op = 0; op < 8; op++)
        for (int size = 0; size < 3; size++)
            for (int k = 0; k < 60; k++) {
                uint8_t b[4], modrm = 0xc0 | (op << 3);
                int len = enc(b, size, 0xd2, &modrm, 1);
                uint32_t cnt = shiftCount();
                int bits = size == 0 ? 8 : size == 1 ? 16 : 32;
                int c = cnt & 31;
                uint32_t mask = ARITH;
                int rotate = op < 4;
                if (c == 0) mask = ARITH;                      /* nothing changes: all defined */
                else if (rotate) {
                    int eff = op < 2 ? c % bits : c % (bits + 1);
                    mask = CF | OF;
                    if (c != 1) mask &= ~OF;                   /* OF only for count 1 */
                    if (op < 2 && eff == 0 && c != 0) mask &= ~OF;
                    mask |= PF | AF | ZF | SF;                 /* untouched by rotates */
                } else {
                    mask = ARITH & ~AF;
                    if (c != 1) mask &= ~OF;
                    if (c >= bits && op != 7) mask &= ~CF;     /* SHL/SHR by >= size: CF undefined */
                }
                emit(b, len, cnt, mask, 0xF);
            }
}

static void muldiv(void) {
    const uint8_t one[][2] = {{0xf6, 0xe3}, {0xf6, 0xeb}};  /* mul bl / imul bl (and 16/32 forms) */
    for (int i = 0; i < 2; i++)
        for (int size = 0; size < 3; size++)
            for (int k = 0; k < 40; k++) {
                uint8_t b[4];
                int len = enc(b, size, one[i][0], &one[i][1], 1);
                emit(b, len, operand(), CF | OF, 0xF);
            }
    for (int k = 0; k < 60; k++) {
        uint8_t b1[] = {0x0f, 0xaf, 0xc3}, b2[] = {0x66, 0x0f, 0xaf, 0xc3};
        uint8_t b3[] = {0x6b, 0xc3, (uint8_t) rnd()}, b4[] = {0x69, 0xc3, 0, 0, 0, 0};
        uint32_t v = operand();
        memcpy(b4 + 2, &v, 4);
        emit(b1, 3, operand(), CF | OF, 0xF);
        emit(b2, 4, operand(), CF | OF, 0xF);
        emit(b3, 3, operand(), CF | OF, 0xF);
        emit(b4, 6, operand(), CF | OF, 0xF);
    }
}

static void bits(void) {
    for (int k = 0; k < 60; k++) {
        uint8_t bsf[] = {0x0f, 0xbc, 0xc3}, bsr[] = {0x0f, 0xbd, 0xc3};
        emit(bsf, 3, 0, ZF, 0xE);        /* destination undefined for a zero source on some CPUs */
        emit(bsr, 3, 0, ZF, 0xE);
        for (int op = 0; op < 4; op++) {
            uint8_t r[] = {0x0f, (uint8_t) (0xa3 + op * 8), 0xd8};   /* bt/bts/btr/btc eax, ebx */
            uint8_t r16[] = {0x66, 0x0f, (uint8_t) (0xa3 + op * 8), 0xd8};
            uint8_t im[] = {0x0f, 0xba, (uint8_t) (0xe0 | ((4 + op) << 3)), (uint8_t) rnd()};
            emit(r, 3, 0, CF | ZF, 0xF);
            emit(r16, 4, 0, CF | ZF, 0xF);
            emit(im, 4, 0, CF | ZF, 0xF);
        }
    }
    for (int k = 0; k < 80; k++) {
        for (int op = 0; op < 2; op++)
            for (int size = 1; size < 3; size++) {
                uint8_t b[4] = {0x66, 0x0f, (uint8_t) (op ? 0xad : 0xa5), 0xd8};
                uint32_t cnt = shiftCount();
                int c = cnt & 31;
                uint32_t mask = c == 0 ? ARITH : ARITH & ~AF;
                if (c > 1) mask &= ~OF;
                uint32_t regs = 0xF;
                if (size == 1 && c > 16) { mask = 0; regs = 0xE; }
                if (size == 2) emit(b + 1, 3, cnt, mask, regs);
                else emit(b, 4, cnt, mask, regs);
            }
    }
}

static void conditions(void) {
    for (int cc = 0; cc < 16; cc++)
        for (int k = 0; k < 12; k++) {
            uint8_t set[] = {0x0f, (uint8_t) (0x90 + cc), 0xc0}, mov[] = {0x0f, (uint8_t) (0x40 + cc), 0xc3};
            emit(set, 3, 0, ARITH, 0xF);
            emit(mov, 3, 0, ARITH, 0xF);
        }
}

static void exchange(void) {
    for (int k = 0; k < 60; k++) {
        uint8_t cx[] = {0x0f, 0xb1, 0xcb}, cx8[] = {0x0f, 0xb0, 0xcb}, xa[] = {0x0f, 0xc1, 0xd8};
        uint8_t xa8[] = {0x0f, 0xc0, 0xd8}, sw[] = {0x0f, 0xc8}, cdq[] = {0x99}, cwde[] = {0x98};
        uint8_t sahf[] = {0x9e}, lahf[] = {0x9f}, cmc[] = {0xf5};
        emit(cx, 3, operand(), ARITH, 0xF);
        emit(cx8, 3, operand(), ARITH, 0xF);
        emit(xa, 3, operand(), ARITH, 0xF);
        emit(xa8, 3, operand(), ARITH, 0xF);
        emit(sw, 2, 0, ARITH, 0xF);
        emit(cdq, 1, 0, ARITH, 0xF);
        emit(cwde, 1, 0, ARITH, 0xF);
        emit(sahf, 1, 0, ARITH, 0xF);
        emit(lahf, 1, 0, ARITH, 0xF);
        emit(cmc, 1, 0, ARITH, 0xF);
    }
}

int main(void) {
    page = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) { perror("mmap"); return 1; }
    alu();
    unary();
    shifts();
    muldiv();
    bits();
    conditions();
    exchange();
    return 0;
}
