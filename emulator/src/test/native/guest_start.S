    .text
    .globl _start
_start:
    mov $0x80000, %esp
    push $0x30000
    call compute
    hlt
