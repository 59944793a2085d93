; A Multiboot kernel that runs a port script given as its first module, then prints every IN
; result on COM1, one 8-digit hex number per line (results are kept until the end, so the script
; may put COM1 in loopback), then exits through port 0xF4 with the EXIT record's value (0 if none).
; Used by PortScriptQemuTest to compare kerf's devices with QEMU's. Script records are 8 bytes:
; op:u8 (0 OUT, 1 IN, 2 EXIT, 3 WAIT, 4 IN AND value) size:u8 (1, 2, 4) port:u16 value:u32,
; little-endian.
; WAIT reads the byte port until (byte & value[7:0]) == value[15:8] (e.g. ATA BSY clear).
; Build: nasm -f elf32; ld -m elf_i386 -Ttext=0x100000.
bits 32
section .text
align 4
    dd 0x1BADB002
    dd 0x0
    dd -(0x1BADB002)
global _start
_start:
    mov esp, stack_top
    mov eax, [ebx + 24]          ; mods_addr
    mov esi, [eax]               ; mod_start
    mov edi, [eax + 4]           ; mod_end
    mov ebp, results
.next:
    cmp esi, edi
    jae .exit0
    movzx eax, byte [esi]
    movzx ecx, byte [esi + 1]
    movzx edx, word [esi + 2]
    mov ebx, [esi + 4]
    add esi, 8
    cmp eax, 0
    je .out
    cmp eax, 1
    je .in
    cmp eax, 3
    je .wait
    cmp eax, 4
    je .in
    mov eax, ebx
    jmp .exit
.wait:
    in al, dx
    and al, bl
    cmp al, bh
    jne .wait
    jmp .next
.out:
    mov eax, ebx
    cmp ecx, 1
    jne .out2
    out dx, al
    jmp .next
.out2:
    cmp ecx, 2
    jne .out4
    out dx, ax
    jmp .next
.out4:
    out dx, eax
    jmp .next
.in:
    xor eax, eax
    cmp ecx, 1
    jne .in2
    in al, dx
    jmp .print
.in2:
    cmp ecx, 2
    jne .in4
    in ax, dx
    jmp .print
.in4:
    in eax, dx
.print:
    cmp byte [esi - 8], 4
    jne .store
    and eax, ebx
.store:
    mov [ebp], eax
    add ebp, 4
    jmp .next
.exit0:
    xor eax, eax
.exit:
    push eax
    mov esi, results
.dump:
    cmp esi, ebp
    jae .done
    mov eax, [esi]
    add esi, 4
    call print_hex32
    mov al, 10
    call putc
    jmp .dump
.done:
    pop eax
    mov dx, 0xF4
    out dx, al
    cli
    hlt

putc:                            ; al = byte; polls LSR.THRE
    push edx
    push eax
    mov dx, 0x3FD
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    pop eax
    mov dx, 0x3F8
    out dx, al
    pop edx
    ret

print_hex32:                     ; eax = value
    push ecx
    push ebx
    mov ebx, eax
    mov ecx, 8
.digit:
    rol ebx, 4
    mov eax, ebx
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe .emit
    add al, 7
.emit:
    call putc
    loop .digit
    pop ebx
    pop ecx
    ret

section .bss
align 16
    resb 4096
stack_top:
results:
    resd 65536
