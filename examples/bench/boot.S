/* Multiboot entry and the IRQ0 stub for the benchmark guests. */
#define MB_MAGIC 0x1BADB002
    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC, 0, -MB_MAGIC

    .text
    .globl _start
_start:
    cli
    cld
    mov $stack_top, %esp
    push %ebx
    push %eax
    call kmain
1:  cli
    hlt
    jmp 1b

    .globl irq0_stub
irq0_stub:
    push %eax
    incl ticks
    mov $0x20, %al
    outb %al, $0x20          /* EOI to the master PIC */
    pop %eax
    iret

    .globl ignore_stub
ignore_stub:
    iret

    .bss
    .align 16
    .skip 16384
stack_top:
