/* Boot entry (Multiboot v1), interrupt stubs, context switch. */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003        /* page-align modules, want memory info */

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .section .bss
    .align 16
boot_stack:
    .skip 16384
boot_stack_top:

    .text
    .globl _start
_start:
    cli
    movl $boot_stack_top, %esp
    pushl $0
    popfl
    pushl %ebx                    /* multiboot info */
    pushl %eax                    /* multiboot magic */
    call kmain
1:  hlt
    jmp 1b

/* Interrupt stubs: push a dummy error code where the CPU does not, then the vector. */
#define ISR_NOERR(n) .globl isr##n; isr##n: pushl $0; pushl $n; jmp alltraps
#define ISR_ERR(n)   .globl isr##n; isr##n: pushl $n; jmp alltraps
ISR_NOERR(0)
ISR_NOERR(1)
ISR_NOERR(2)
ISR_NOERR(3)
ISR_NOERR(4)
ISR_NOERR(5)
ISR_NOERR(6)
ISR_NOERR(7)
ISR_ERR(8)
ISR_NOERR(9)
ISR_ERR(10)
ISR_ERR(11)
ISR_ERR(12)
ISR_ERR(13)
ISR_ERR(14)
ISR_NOERR(15)
ISR_NOERR(16)
ISR_ERR(17)
ISR_NOERR(18)
ISR_NOERR(19)
ISR_NOERR(32)
ISR_NOERR(33)
ISR_NOERR(34)
ISR_NOERR(35)
ISR_NOERR(36)
ISR_NOERR(37)
ISR_NOERR(38)
ISR_NOERR(39)
ISR_NOERR(40)
ISR_NOERR(41)
ISR_NOERR(42)
ISR_NOERR(43)
ISR_NOERR(44)
ISR_NOERR(45)
ISR_NOERR(46)
ISR_NOERR(47)
ISR_NOERR(128)

alltraps:
    cld
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    pushal
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    pushl %esp
    call trap
    addl $4, %esp
    .globl trapret
trapret:
    popal
    popl %gs
    popl %fs
    popl %es
    popl %ds
    addl $8, %esp                 /* vector and error code */
    iret

/* void swtch(struct context **old, struct context *new) */
    .globl swtch
swtch:
    movl 4(%esp), %eax
    movl 8(%esp), %edx
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, (%eax)
    movl %edx, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

    .section .note.GNU-stack,"",@progbits
