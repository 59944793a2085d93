/*
 * Entry, interrupt stubs and the few routines C cannot express: a setjmp/longjmp pair used to
 * recover from expected exceptions, ENTER/LEAVE probes, and the drop to ring 3.
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

/* Interrupt stubs: vectors with an error code push only the vector number. */
.macro ISR_NOERR n
    .globl isr\n
isr\n: push $0
    push $\n
    jmp isr_common
.endm
.macro ISR_ERR n
    .globl isr\n
isr\n: push $\n
    jmp isr_common
.endm
ISR_NOERR 0
ISR_NOERR 1
ISR_NOERR 2
ISR_NOERR 3
ISR_NOERR 4
ISR_NOERR 5
ISR_NOERR 6
ISR_NOERR 7
ISR_ERR   8
ISR_NOERR 9
ISR_ERR   10
ISR_ERR   11
ISR_ERR   12
ISR_ERR   13
ISR_ERR   14
ISR_NOERR 15
ISR_NOERR 16
ISR_ERR   17
ISR_NOERR 18
ISR_NOERR 19
ISR_NOERR 128

/* IRQ0 after the PIC remap (vector 0x20): count it and send EOI. */
    .globl irq0_entry
irq0_entry:
    push %eax
    incl irq0_count
    mov $0x20, %al
    outb %al, $0x20
    pop %eax
    iret

isr_common:
    pushal
    push %ds
    push %es
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    push %esp                   /* struct frame * */
    call isr_dispatch
    add $4, %esp
    pop %es
    pop %ds
    popal
    add $8, %esp
    iret

/* Where isr_dispatch sends an expected fault: back to kernel segments, then k_longjmp(trap_buf, 1). */
    .globl trap_landing
trap_landing:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    mov %ax, %ss
    push $1
    push $trap_buf
    call k_longjmp

/* int k_setjmp(u32 buf[6]): saves ebx, esi, edi, ebp, esp, eip; returns 0, or v from k_longjmp. */
    .globl k_setjmp
k_setjmp:
    mov 4(%esp), %eax
    mov %ebx, 0(%eax)
    mov %esi, 4(%eax)
    mov %edi, 8(%eax)
    mov %ebp, 12(%eax)
    lea 4(%esp), %ecx
    mov %ecx, 16(%eax)
    mov (%esp), %ecx
    mov %ecx, 20(%eax)
    xor %eax, %eax
    ret

/* void k_longjmp(u32 buf[6], int v) */
    .globl k_longjmp
k_longjmp:
    mov 4(%esp), %edx
    mov 8(%esp), %eax
    mov 0(%edx), %ebx
    mov 4(%edx), %esi
    mov 8(%edx), %edi
    mov 12(%edx), %ebp
    mov 16(%edx), %esp
    jmp *20(%edx)

/*
 * void enter_probe_L(u32 out[10], u32 *fake_ebp): ENTER $16, $L with EBP pointing into a caller
 * array of known words. out: [0] bytes ENTER took from the stack, [1] EBP-ESP, [2] saved EBP,
 * [3..7] the L frame pointers below the saved one, [8] ESP change across ENTER+LEAVE,
 * [9] EBP after LEAVE.
 */
.macro ENTER_PROBE L
    .globl enter_probe_\L
enter_probe_\L:
    push %ebp
    push %ebx
    push %esi
    push %edi
    mov 20(%esp), %edi
    mov 24(%esp), %ebp
    mov %esp, %esi
    enter $16, $\L
    mov %esi, %eax
    sub %esp, %eax
    mov %eax, 0(%edi)
    mov %ebp, %eax
    sub %esp, %eax
    mov %eax, 4(%edi)
    mov (%ebp), %eax
    mov %eax, 8(%edi)
    mov -4(%ebp), %eax
    mov %eax, 12(%edi)
    mov -8(%ebp), %eax
    mov %eax, 16(%edi)
    mov -12(%ebp), %eax
    mov %eax, 20(%edi)
    mov -16(%ebp), %eax
    mov %eax, 24(%edi)
    mov -20(%ebp), %eax
    mov %eax, 28(%edi)
    leave
    mov %esp, %eax
    sub %esi, %eax
    mov %eax, 32(%edi)
    mov %ebp, 36(%edi)
    pop %edi
    pop %esi
    pop %ebx
    pop %ebp
    ret
.endm
ENTER_PROBE 0
ENTER_PROBE 1
ENTER_PROBE 2
ENTER_PROBE 4

/* void enter_ring3(void (*fn)(void), u32 user_stack_top): never returns (fn ends by faulting). */
    .globl enter_ring3
enter_ring3:
    mov 4(%esp), %ecx
    mov 8(%esp), %edx
    mov $0x23, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    push $0x23
    push %edx
    push $0x2
    push $0x1b
    push %ecx
    iret

    .bss
    .align 16
    .globl stack_top
stack_bottom:
    .skip 65536
stack_top:
