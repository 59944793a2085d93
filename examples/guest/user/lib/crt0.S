/* Process entry: the kernel leaves argc, argv[], NULL, envp[] NULL on the stack. */
    .section .text.start, "ax"
    .globl _start
_start:
    xorl %ebp, %ebp
    movl (%esp), %eax
    leal 4(%esp), %ecx
    andl $-16, %esp
    subl $8, %esp
    pushl %ecx
    pushl %eax
    call main
    pushl %eax
    call exit
1:  jmp 1b

    .section .note.GNU-stack,"",@progbits
