/*
 * triple: a Multiboot kernel that triple-faults on purpose (the CLI's bad-guest test).
 * It loads an empty IDT, so the #UD below cannot be delivered: #UD -> #GP -> #DF -> shutdown.
 */
        .section .multiboot, "a"
        .balign 4
        .long 0x1BADB002
        .long 0
        .long -0x1BADB002

        .text
        .globl _start
_start:
        lidt    empty_idt
        ud2

        .data
        .balign 8
empty_idt:
        .word   0
        .long   0
