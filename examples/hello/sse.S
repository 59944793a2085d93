/*
 * sse: a Multiboot kernel that runs an SSE instruction, which kerf does not implement (its CPUID
 * reports no SSE), before it can handle exceptions (an empty IDT): #UD -> #GP -> #DF -> shutdown.
 * The CLI's test that such a stop names the instruction bytes, EIP and the symbol (use_sse+0x3).
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
        call    use_sse
        hlt

        .globl use_sse
        .type use_sse, @function
use_sse:
        xorl    %eax, %eax
        nop
        addps   %xmm1, %xmm0
        ret
        .size use_sse, . - use_sse

        .data
        .balign 8
empty_idt:
        .word   0
        .long   0
