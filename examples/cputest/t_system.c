/* Exceptions (#UD #BP #OF #GP #NP #PF), paging (identity map, A/D bits, WP, INVLPG), ring 3. */
#include "cputest.h"

#define PG_P 0x001
#define PG_RW 0x002
#define PG_US 0x004
#define PG_A 0x020
#define PG_D 0x040

#define NOTPRESENT_PAGE 0x700000u
#define READONLY_PAGE 0x701000u
#define SUPERVISOR_PAGE 0x702000u
#define READ_PAGE 0x703000u
#define WRITE_PAGE 0x704000u

static u32 pgdir[1024] __attribute__((aligned(4096)));
static u32 pgtab[2][1024] __attribute__((aligned(4096)));
static u8 user_stack[8192] __attribute__((aligned(16)));

static void record_fault(const char *name, void (*fn)(void))
{
    int vec = try_fault(fn);
    u32 cr2 = vec == 14 ? trap_cr2 : 0;
    u32 err = vec >= 0 ? trap_err : 0;
    u32 at = vec >= 0 ? trap_eip - (u32)fn : 0;
    rec(name, 5, (u32[]){(u32)vec, err, cr2, at, vec >= 0 ? trap_cs & 3 : 0});
}

/* ---- ring 0 exceptions ---- */
static void p_ud2(void) { asm volatile("ud2"); }
static void p_int3(void) { asm volatile("int3\n\tnop"); }
static void p_into_of(void) { asm volatile("mov $0x7f, %%al\n\tadd $1, %%al\n\tinto" : : : "eax", "cc"); }
static void p_into_noof(void) { asm volatile("mov $1, %%al\n\tadd $1, %%al\n\tinto" : : : "eax", "cc"); }
static void p_bad_sel(void) { asm volatile("mov $0x1234, %%ax\n\tmov %%ax, %%ds" : : : "eax"); }
static void p_tss_in_ds(void) { asm volatile("mov $0x28, %%ax\n\tmov %%ax, %%es" : : : "eax"); }
static void p_null_ss(void) { asm volatile("xor %%eax, %%eax\n\tmov %%ax, %%ss" : : : "eax"); }
static void p_int_np(void) { asm volatile("int $0x83"); }
static void p_int80(void)
{
    u32 r;
    asm volatile("int $0x80" : "=a"(r) : "a"(1), "b"(40), "c"(2) : "memory");
    rec("int80", 1, (u32[]){r});
}

void test_except(void)
{
    group_begin("except");
    rec_edge(1);
    record_fault("ud2", p_ud2);
    record_fault("int3", p_int3);
    record_fault("into_of", p_into_of);
    record_fault("into_noof", p_into_noof);
    record_fault("bad_sel", p_bad_sel);
    record_fault("tss_in_es", p_tss_in_ds);
    record_fault("null_ss", p_null_ss);
    /* Not here: a null FS used for an access, a write through CS. QEMU does not fault on those
       (it skips segment checks in flat mode), so they cannot be compared. */
    record_fault("int_np", p_int_np);
    record_fault("int80", p_int80);
    group_end();
}

/* ---- paging ---- */
static u32 *pte(u32 addr)
{
    return &pgtab[addr >> 22][(addr >> 12) & 1023];
}

static void invlpg(u32 addr)
{
    asm volatile("invlpg (%0)" : : "r"(addr) : "memory");
}

static volatile u32 sink;
static void p_read_np(void) { sink = *(volatile u32 *)(NOTPRESENT_PAGE + 0x123); }
static void p_write_np(void) { *(volatile u32 *)(NOTPRESENT_PAGE + 0xffc) = 1; }
static void p_read_straddle(void) { sink = *(volatile u32 *)(NOTPRESENT_PAGE - 2); }
static void p_write_ro(void) { *(volatile u32 *)(READONLY_PAGE + 0x10) = 0x5555aaaa; }
static void p_read_ro(void) { sink = *(volatile u32 *)(READONLY_PAGE + 0x10); }

static void paging_on(void)
{
    for (u32 t = 0; t < 2; t++) {
        for (u32 i = 0; i < 1024; i++)
            pgtab[t][i] = ((t * 1024 + i) << 12) | PG_P | PG_RW | PG_US;
        pgdir[t] = (u32)pgtab[t] | PG_P | PG_RW | PG_US;
    }
    *pte(NOTPRESENT_PAGE) &= ~PG_P;
    *pte(READONLY_PAGE) &= ~PG_RW;
    *pte(SUPERVISOR_PAGE) &= ~PG_US;
    *pte(READ_PAGE) &= ~(PG_A | PG_D);
    *pte(WRITE_PAGE) &= ~(PG_A | PG_D);
    asm volatile("mov %0, %%cr3\n\tmov %%cr0, %%eax\n\tor $0x80000000, %%eax\n\tmov %%eax, %%cr0"
                 : : "r"(pgdir) : "eax", "memory");
}

static void set_wp(int on)
{
    u32 cr0;
    asm volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = on ? cr0 | 0x10000 : cr0 & ~0x10000u;
    asm volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
}

void test_paging(void)
{
    group_begin("paging");
    rec_edge(1);
    paging_on();
    record_fault("pf_read_np", p_read_np);
    record_fault("pf_write_np", p_write_np);
    record_fault("pf_straddle", p_read_straddle);
    record_fault("ro_write_wp0", p_write_ro);
    record_fault("ro_read", p_read_ro);
    rec("ro_value", 1, (u32[]){sink});
    set_wp(1);
    record_fault("ro_write_wp1", p_write_ro);
    set_wp(0);
    /* INVLPG makes a newly present page visible; a stale TLB entry must not outlive it */
    *pte(NOTPRESENT_PAGE) |= PG_P;
    invlpg(NOTPRESENT_PAGE);
    *(volatile u32 *)(NOTPRESENT_PAGE + 0x40) = 0x600dc0de;
    record_fault("np_now_present", p_read_np);
    *pte(NOTPRESENT_PAGE) &= ~PG_P;
    invlpg(NOTPRESENT_PAGE);
    record_fault("np_again", p_read_np);
    *pte(NOTPRESENT_PAGE) |= PG_P;
    u32 cr3;
    asm volatile("mov %%cr3, %0\n\tmov %0, %%cr3" : "=r"(cr3) : : "memory"); /* CR3 reload flushes */
    rec("after_cr3", 1, (u32[]){*(volatile u32 *)(NOTPRESENT_PAGE + 0x40)});
    *pte(NOTPRESENT_PAGE) &= ~PG_P;
    invlpg(NOTPRESENT_PAGE);
    /* Accessed and dirty bits */
    sink = *(volatile u32 *)(READ_PAGE + 8);
    *(volatile u32 *)(WRITE_PAGE + 8) = 1;
    rec("ad_bits", 3, (u32[]){*pte(READ_PAGE) & (PG_A | PG_D), *pte(WRITE_PAGE) & (PG_A | PG_D),
                               pgdir[1] & PG_A});
    group_end();
}

/* ---- ring 3 (runs with paging on; only INT 0x80 may report) ---- */
static inline void user_report(u32 a, u32 b, u32 c)
{
    asm volatile("int $0x80" : : "a"(2), "b"(a), "c"(b), "d"(c) : "memory");
}

static void u_syscall(void)
{
    u32 r, f, cs;
    asm volatile("int $0x80" : "=a"(r) : "a"(1), "b"(0x1000), "c"(0x234) : "memory");
    asm volatile("mov %%cs, %0" : "=r"(cs));
    asm volatile("pushf\n\tpop %0" : "=r"(f));
    user_report(r, cs & 3, f & (IF | 0x3000));
    /* POPF at CPL 3 with IOPL 0: IF and IOPL silently keep their values */
    asm volatile("push $0x3202\n\tpopf\n\tpushf\n\tpop %0" : "=r"(f) : : "cc");
    user_report(0x9f, f & (IF | 0x3000), 0);
    asm volatile("cli"); /* privileged at IOPL 0: #GP(0) ends the visit */
}
static void u_hlt(void) { asm volatile("hlt"); }
static void u_in(void) { asm volatile("inb $0x80, %%al" : : : "eax"); }
static void u_int81(void) { asm volatile("int $0x81"); }
static void u_int3(void) { asm volatile("int3"); }
static void u_read_sup(void) { sink = *(volatile u32 *)(SUPERVISOR_PAGE + 4); }
static void u_write_ro(void) { *(volatile u32 *)(READONLY_PAGE + 4) = 1; }
static void u_read_np(void) { sink = *(volatile u32 *)(NOTPRESENT_PAGE + 8); }
static void u_mov_cr0(void) { u32 v; asm volatile("mov %%cr0, %0" : "=r"(v)); }
static void u_load_kdata(void) { asm volatile("mov $0x10, %%ax\n\tmov %%ax, %%ds" : : : "eax"); }

static void (*volatile user_fn)(void);

static void to_ring3(void)
{
    extern void enter_ring3(void (*fn)(void), u32 user_stack_top);
    enter_ring3(user_fn, (u32)(user_stack + sizeof user_stack));
}

static void ring3_case(const char *name, void (*fn)(void))
{
    user_fn = fn;
    int vec = try_fault(to_ring3);
    u32 cr2 = vec == 14 ? trap_cr2 : 0;
    rec(name, 5, (u32[]){(u32)vec, vec >= 0 ? trap_err : 0, cr2, vec >= 0 ? trap_eip - (u32)fn : 0,
                          vec >= 0 ? trap_cs & 3 : 0});
}

void test_ring3(void)
{
    group_begin("ring3");
    rec_edge(1);
    ring3_case("u_syscall", u_syscall);
    ring3_case("u_hlt", u_hlt);
    ring3_case("u_in", u_in);
    ring3_case("u_int81", u_int81);
    ring3_case("u_int3", u_int3);
    ring3_case("u_read_sup", u_read_sup);
    ring3_case("u_write_ro", u_write_ro);
    ring3_case("u_read_np", u_read_np);
    ring3_case("u_mov_cr0", u_mov_cr0);
    ring3_case("u_load_kdata", u_load_kdata);
    group_end();
}
