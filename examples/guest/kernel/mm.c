/* Physical pages (a free list), page directories and checked user-memory access.
 * Every directory shares the kernel's page tables for 0..32 MiB (supervisor only);
 * user mappings live at USER_BASE..USER_TOP. */
#include "kernel.h"

#define KPT_COUNT (KERNEL_MAP_END >> 22)
static u32 kpd[1024] __attribute__((aligned(4096)));
static u32 kpt[KPT_COUNT][1024] __attribute__((aligned(4096)));
u32 *kernel_pd = kpd;

struct freepage { struct freepage *next; };
static struct freepage *free_list;
static u32 free_count;

static int is_reserved(u32 page, const u32 *r, int n) {
    for (int i = 0; i < n; i++)
        if (page + PAGE > r[2 * i] && page < r[2 * i + 1]) return 1;
    return 0;
}

void mm_init(u32 end, const u32 *reserved, int nres) {
    for (u32 i = 0; i < KPT_COUNT; i++) {
        for (u32 j = 0; j < 1024; j++) kpt[i][j] = ((i << 22) | (j << 12)) | PTE_P | PTE_W;
        kpd[i] = (u32)kpt[i] | PTE_P | PTE_W;
    }
    /* Push in descending order so allocation hands out ascending addresses. */
    for (u32 p = (end & ~(PAGE - 1)) - PAGE; p >= 0x100000; p -= PAGE) {
        if (is_reserved(p, reserved, nres)) continue;
        struct freepage *f = (struct freepage *)p;
        f->next = free_list;
        free_list = f;
        free_count++;
    }
    lcr3((u32)kpd);
    u32 cr0;
    __asm__ volatile("movl %%cr0,%0" : "=r"(cr0));
    __asm__ volatile("movl %0,%%cr0" ::"r"(cr0 | 0x80000000u) : "memory");
}

/* A page with undefined contents, for callers that overwrite all of it. */
static void *page_alloc_raw(void) {
    struct freepage *f = free_list;
    if (!f) return NULL;
    free_list = f->next;
    free_count--;
    return f;
}

void *page_alloc(void) {
    void *p = page_alloc_raw();
    if (p) memset(p, 0, PAGE);
    return p;
}

void page_free(void *p) {
    struct freepage *f = p;
    f->next = free_list;
    free_list = f;
    free_count++;
}

u32 pages_free(void) { return free_count; }

u32 *pd_create(void) {
    u32 *pd = page_alloc();
    if (!pd) return NULL;
    for (u32 i = 0; i < KPT_COUNT; i++) pd[i] = kpd[i];
    return pd;
}

void pd_free_user(u32 *pd) {
    for (u32 i = USER_BASE >> 22; i < USER_TOP >> 22; i++) {
        if (!(pd[i] & PTE_P)) continue;
        u32 *pt = (u32 *)(pd[i] & ~0xFFFu);
        for (int j = 0; j < 1024; j++)
            if (pt[j] & PTE_P) page_free((void *)(pt[j] & ~0xFFFu));
        page_free(pt);
        pd[i] = 0;
    }
}

u32 *pd_pte(u32 *pd, u32 va) {
    u32 pde = pd[va >> 22];
    if (!(pde & PTE_P)) return NULL;
    return &((u32 *)(pde & ~0xFFFu))[(va >> 12) & 1023];
}

int pd_map(u32 *pd, u32 va, void *pa) {
    u32 *pde = &pd[va >> 22];
    if (!(*pde & PTE_P)) {
        u32 *pt = page_alloc();
        if (!pt) return -ENOMEM;
        *pde = (u32)pt | PTE_P | PTE_W | PTE_U;
    }
    ((u32 *)(*pde & ~0xFFFu))[(va >> 12) & 1023] = (u32)pa | PTE_P | PTE_W | PTE_U;
    return 0;
}

int pd_copy_user(u32 *dst, u32 *src) {
    for (u32 i = USER_BASE >> 22; i < USER_TOP >> 22; i++) {
        if (!(src[i] & PTE_P)) continue;
        u32 *pt = (u32 *)(src[i] & ~0xFFFu);
        for (u32 j = 0; j < 1024; j++) {
            if (!(pt[j] & PTE_P)) continue;
            u8 *page = page_alloc_raw();
            if (!page) return -ENOMEM;
            memcpy(page, (void *)(pt[j] & ~0xFFFu), PAGE);
            if (pd_map(dst, (i << 22) | (j << 12), page)) { page_free(page); return -ENOMEM; }
        }
    }
    return 0;
}

static u32 *cur_pd(void) { return (u32 *)current->cr3; }

/* A fault just below the mapped stack (within USTACK_MAX of the top) maps a fresh page. */
int grow_stack(u32 va) {
    if (!current || va >= USER_TOP || va < USER_TOP - USTACK_MAX) return -1;
    u32 page = va & ~(PAGE - 1);
    while (current->stack_low > page) {
        void *p = page_alloc();
        if (!p) return -1;
        if (pd_map(cur_pd(), current->stack_low - PAGE, p)) { page_free(p); return -1; }
        current->stack_low -= PAGE;
    }
    return 0;
}

static int page_user(u32 va) {
    u32 *pte = pd_pte(cur_pd(), va);
    if (pte && (*pte & (PTE_P | PTE_U)) == (PTE_P | PTE_U)) return 1;
    return grow_stack(va) == 0;
}

int user_ok(u32 va, u32 len) {
    if (len == 0) return 1;
    if (va < USER_BASE || va >= USER_TOP || len > USER_TOP - va) return 0;
    for (u32 p = va & ~(PAGE - 1); p < va + len; p += PAGE)
        if (!page_user(p)) return 0;
    return 1;
}

int copy_from_user(void *dst, u32 src, u32 n) {
    if (!user_ok(src, n)) return -EFAULT;
    memcpy(dst, (void *)src, n);
    return 0;
}

int copy_to_user(u32 dst, const void *src, u32 n) {
    if (!user_ok(dst, n)) return -EFAULT;
    memcpy((void *)dst, src, n);
    return 0;
}

int fetch_str(u32 src, char *dst, int max) {
    for (int i = 0; i < max; i++) {
        if (((src + i) & (PAGE - 1)) == 0 || i == 0)
            if (!user_ok(src + i, 1)) return -EFAULT;
        dst[i] = *(char *)(src + i);
        if (!dst[i]) return i;
    }
    return -ENAMETOOLONG;
}
