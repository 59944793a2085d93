#!/bin/sh
# Boots the Linux guest under QEMU with one scenario and prints the console output.
# usage: run-qemu.sh SCENARIO   environment: QEMU (default qemu-system-i386), TIMEOUT (seconds)
# Exit status: QEMU's, i.e. (scenario status << 1) | 1 when kerf-exit ends the run.
# The CPU model is the one kerf emulates (no TSC, MSRs, PSE, VME, DE, MCE; CMOV present).
cd "$(dirname "$0")"
[ $# -eq 1 ] || { echo "usage: run-qemu.sh SCENARIO" >&2; exit 2; }
for f in cache/vmlinuz build/initramfs.cpio.gz; do
  [ -s "$f" ] || { echo "run-qemu.sh: examples/linux/$f missing: run 'make -C examples/linux image'" >&2; exit 2; }
done
exec timeout "${TIMEOUT:-120}" "${QEMU:-qemu-system-i386}" -M isapc \
  -cpu pentium,+cmov,-vme,-de,-pse,-msr,-mce,-tsc,family=6 -m 128 \
  -nographic -nodefaults -serial stdio -no-reboot \
  -kernel cache/vmlinuz -initrd build/initramfs.cpio.gz \
  -append "console=ttyS0 noapic nolapic quiet panic=-1 scenario=$1" \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04
