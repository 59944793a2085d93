/* Multiboot v1 entry for the hello kernel: header, a stack, then C. */
#define MB_MAGIC    0x1BADB002
#define MB_FLAGS    0x00000003          /* page-align modules, memory info */

        .section .multiboot, "a"
        .balign 4
        .long MB_MAGIC
        .long MB_FLAGS
        .long -(MB_MAGIC + MB_FLAGS)

        .text
        .globl _start
_start:
        mov     $stack_top, %esp
        push    %ebx                    /* Multiboot info address */
        push    %eax                    /* 0x2BADB002 */
        call    hello_main
1:      cli
        hlt
        jmp     1b

        .bss
        .balign 16
        .space  16384
stack_top:
