/*
 * x87test guest entry (Multiboot v1) and interrupt stubs: every vector 0-31 goes to isr_common,
 * which hands the frame to isr_dispatch (guest.c).
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000000

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

    .text
    .globl _start
_start:
    cli
    cld
    mov $stack_top, %esp
    push %ebx                   /* Multiboot info */
    push %eax                   /* Multiboot magic */
    call kmain
1:  cli
    hlt
    jmp 1b

.macro ISR n
    .globl isr\n
isr\n:
    .if \n == 8 || (\n >= 10 && \n <= 14) || \n == 17
    .else
    push $0
    .endif
    push $\n
    jmp isr_common
.endm
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19
ISR \n
.endr

isr_common:
    pushal
    push %esp                   /* struct frame * */
    call isr_dispatch
    add $4, %esp
    popal
    add $8, %esp
    iret

    .bss
    .align 16
stack_bottom:
    .skip 65536
stack_top:
