#!/bin/sh
# Runs the guest under QEMU. usage: run-qemu.sh [SCENARIO|shell] [extra kernel args...]
#   run-qemu.sh selftest            # exit status 1 = all checks passed (QEMU: (0<<1)|1)
#   run-qemu.sh bugreport
#   run-qemu.sh leaks               # the privacy test's secrets (docs/guest.md)
#   run-qemu.sh net                 # UDP port 7 of the guest is forwarded to host 127.0.0.1:5555
#   run-qemu.sh shell               # interactive shell on this terminal (^A x quits QEMU)
#   run-qemu.sh selftest debug=syscalls
# Environment: TIMEOUT (seconds, default 60; 0 = none), QEMU (binary),
#   DISK (raw image attached as the primary ATA master: /dev/hda in the guest).
set -e
cd "$(dirname "$0")"
make -s
scenario=${1:-shell}
[ $# -gt 0 ] && shift
append="$*"
[ "$scenario" != shell ] && append="scenario=$scenario $append"
qemu=${QEMU:-qemu-system-i386}
t=${TIMEOUT:-60}
[ "$scenario" = shell ] && t=0
set -- "$qemu" -kernel build/kernel.elf -initrd build/initrd.tar -append "$append" \
  -display none -serial stdio -nodefaults -m 32 \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
  -device ne2k_isa,iobase=0x300,irq=9,netdev=n0 \
  -netdev user,id=n0,hostfwd=udp:127.0.0.1:5555-10.0.2.15:7
[ -n "$DISK" ] && set -- "$@" -drive "file=$DISK,format=raw,if=ide,index=0"
if [ "$t" -gt 0 ]; then exec timeout "$t" "$@"; else exec "$@"; fi
