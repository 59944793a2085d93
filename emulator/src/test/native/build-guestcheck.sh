#!/bin/sh
# Builds guestcheck.bin (flat 32-bit image linked at 0x10000) and guestcheck.expected (host run).
set -e
cd "$(dirname "$0")"
R=../resources/dev/kerf/emulator/cpu
T=$(mktemp -d)
gcc -m32 -O2 -march=i686 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -mgeneral-regs-only \
    -nostdlib -fno-asynchronous-unwind-tables -c guestcheck.c -o $T/g.o
gcc -m32 -c guest_start.S -o $T/s.o
ld -m elf_i386 -Ttext=0x10000 -e _start --oformat binary -o $R/guestcheck.bin $T/s.o $T/g.o
gcc -O2 -o $T/host guestcheck.c host_main.c
$T/host > $R/guestcheck.expected
rm -rf $T
