/* A Multiboot kernel that runs a port script given as its first module, then prints every IN
 * result on COM1, one 8-digit hex number per line (results are kept until the end, so the script
 * may put COM1 in loopback), then exits through port 0xF4 with the EXIT record's value (0 if none).
 * Used by PortScriptQemuTest to compare kerf's devices with QEMU's. Script records are 8 bytes:
 * op:u8 (0 OUT, 1 IN, 2 EXIT, 3 WAIT, 4 IN AND value) size:u8 (1, 2, 4) port:u16 value:u32,
 * little-endian. WAIT reads the byte port until (byte & value[7:0]) == value[15:8].
 * Build: gcc -m32 -c portscript.S; ld -m elf_i386 -Ttext=0x100000 portscript.o. */
    .intel_syntax noprefix
    .text
    .align 4
    .long 0x1BADB002
    .long 0
    .long -0x1BADB002
    .globl _start
_start:
    mov esp, offset stack_top
    mov eax, [ebx + 24]          /* mods_addr */
    mov esi, [eax]               /* mod_start */
    mov edi, [eax + 4]           /* mod_end */
    mov ebp, offset results
next:
    cmp esi, edi
    jae exit0
    movzx eax, byte ptr [esi]
    movzx ecx, byte ptr [esi + 1]
    movzx edx, word ptr [esi + 2]
    mov ebx, [esi + 4]
    add esi, 8
    cmp eax, 0
    je do_out
    cmp eax, 1
    je do_in
    cmp eax, 3
    je do_wait
    cmp eax, 4
    je do_in
    mov eax, ebx
    jmp do_exit
do_wait:
    in al, dx
    and al, bl
    cmp al, bh
    jne do_wait
    jmp next
do_out:
    mov eax, ebx
    cmp ecx, 1
    jne out2
    out dx, al
    jmp next
out2:
    cmp ecx, 2
    jne out4
    out dx, ax
    jmp next
out4:
    out dx, eax
    jmp next
do_in:
    xor eax, eax
    cmp ecx, 1
    jne in2
    in al, dx
    jmp store
in2:
    cmp ecx, 2
    jne in4
    in ax, dx
    jmp store
in4:
    in eax, dx
store:
    cmp byte ptr [esi - 8], 4
    jne keep
    and eax, ebx
keep:
    mov [ebp], eax
    add ebp, 4
    jmp next
exit0:
    xor eax, eax
do_exit:
    push eax
    mov esi, offset results
dump:
    cmp esi, ebp
    jae done
    mov eax, [esi]
    add esi, 4
    call print_hex32
    mov al, 10
    call putc
    jmp dump
done:
    pop eax
    mov dx, 0xF4
    out dx, al
    cli
    hlt

putc:                            /* al = byte; polls LSR.THRE */
    push edx
    push eax
    mov dx, 0x3FD
wait_thre:
    in al, dx
    test al, 0x20
    jz wait_thre
    pop eax
    mov dx, 0x3F8
    out dx, al
    pop edx
    ret

print_hex32:                     /* eax = value */
    push ecx
    push ebx
    mov ebx, eax
    mov ecx, 8
digit:
    rol ebx, 4
    mov eax, ebx
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe emit
    add al, 7
emit:
    call putc
    loop digit
    pop ebx
    pop ecx
    ret

    .bss
    .align 16
    .skip 4096
stack_top:
results:
    .skip 262144
