/*
 * fpu: a Multiboot kernel that uses the x87 (record/replay tests of the FPU state). Sums
 * 1/k^2 for k = 1..20000 in extended precision, turns it into pi (sqrt(6 * sum)), saves and
 * restores the FPU around a second computation, prints "fpu: pi*1e6 = N sw=XXXX" on COM1 and
 * leaves through isa-debug-exit 0xF4 with N mod 128.
 */
#define MB_MAGIC    0x1BADB002
#define MB_FLAGS    0x00000000
#define COM1        0x3F8

        .section .multiboot, "a"
        .balign 4
        .long MB_MAGIC
        .long MB_FLAGS
        .long -(MB_MAGIC + MB_FLAGS)

        .text
        .globl _start
_start:
        mov     $stack_top, %esp
        mov     %cr0, %eax
        and     $~0x0C, %eax            /* EM = TS = 0 */
        or      $0x22, %eax             /* NE, MP */
        mov     %eax, %cr0
        fninit
        fldz                            /* sum */
        movl    $1, k
1:      fld1
        fidivl  k
        fidivl  k                       /* 1/k/k */
        faddp                           /* sum += */
        incl    k
        cmpl    $20001, k
        jne     1b
        fimull  six
        fsqrt                           /* ~pi */
        fnsave  area                    /* save and reinitialize ... */
        fldpi                           /* ... an unrelated computation ... */
        fld1
        fcomip  %st(1), %st             /* 1 < pi: CF */
        fstp    %st(0)
        frstor  area                    /* ... and back */
        fimull  million
        fistpl  result
        fnstsw  %ax
        movzwl  %ax, %eax
        mov     %eax, swval
        wait

        mov     $msg, %esi
        call    puts
        mov     result, %eax
        call    putdec
        mov     $msg2, %esi
        call    puts
        mov     swval, %eax
        call    puthex4
        mov     $10, %al
        call    putc
        mov     result, %eax
        and     $0x7F, %eax
        mov     $0xF4, %dx
        outl    %eax, %dx
2:      cli
        hlt
        jmp     2b

/* putc: %al to COM1, polling the line status register */
putc:   push    %eax
        mov     $COM1 + 5, %dx
3:      inb     %dx, %al
        test    $0x20, %al
        jz      3b
        pop     %eax
        mov     $COM1, %dx
        outb    %al, %dx
        ret

puts:   lodsb
        test    %al, %al
        jz      4f
        call    putc
        jmp     puts
4:      ret

/* putdec: %eax unsigned in decimal */
putdec: mov     $10, %ecx
        xor     %ebx, %ebx
5:      xor     %edx, %edx
        div     %ecx
        push    %edx
        inc     %ebx
        test    %eax, %eax
        jnz     5b
6:      pop     %eax
        add     $'0', %al
        call    putc
        dec     %ebx
        jnz     6b
        ret

/* puthex4: the low 16 bits of %eax as four hex digits */
puthex4:
        mov     %eax, %ebx
        mov     $4, %ecx
7:      rol     $4, %bx
        mov     %bl, %al
        and     $0xF, %al
        add     $'0', %al
        cmp     $'9', %al
        jbe     8f
        add     $7, %al
8:      push    %ecx
        push    %ebx
        call    putc
        pop     %ebx
        pop     %ecx
        loop    7b
        ret

        .data
six:    .long   6
million: .long  1000000
msg:    .asciz  "fpu: pi*1e6 = "
msg2:   .asciz  " sw="

        .bss
        .balign 16
k:      .long   0
result: .long   0
swval:  .long   0
area:   .space  108
        .space  16384
stack_top:
