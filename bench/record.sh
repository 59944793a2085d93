#!/usr/bin/env bash
# Record/replay benchmark (issue 4, must-show 5): record overhead vs a plain run, log bytes per
# million instructions / guest minute / timer interrupt / console byte, replay vs record speed,
# and the same workloads under qemu-system-i386 -icount rr=record/replay, measured in one run;
# then the recorder's fixed cost (issue 16): whole `kerf run` and `kerf record` processes of a
# guest that exits at once, started through the ./kerf launcher with and without its class archive.
# Usage: bench/record.sh [--reps N] [--scale F] [--no-qemu] [--only NAME-PREFIX] [--linux]
#   --only P   only the workloads whose name starts with P ("fixed" = the fixed-cost table alone,
#              "linux" = nothing but the --linux table)
#   --linux    also (opt-in: about 2 minutes of one core plus QEMU's 10 s) record the Linux guest's
#              boot + selftest (examples/linux) with `kerf record` and with
#              `qemu-system-i386 -icount shift=auto,rr=record`: wall, CPU, instructions, log bytes.
#              Needs the package cache (examples/linux/cache). Run it once, never two at a time.
# Builds the guests, the kerf jar and the bench jar, then prints the tables docs/benchmarks.md quotes.
# Not a test: numbers depend on the machine and its load.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
linux=0 only="" args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --linux) linux=1; shift ;;
    --only) only="$2"; args+=("$1" "$2"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
"$root/bench/build.sh"
"$root/kerf" --version >/dev/null # the kerf jar and its class archive, which the fixed-cost table starts (made outside any timing)
read -r -a flags < "$root/bench/target/kerf-bench.jvmflags"
if [ "$only" != linux ]; then
  java -Xss8m "${flags[@]}" -cp "$root/bench/target/kerf-bench.jar" dev.kerf.bench.RecordBench --root "$root" "${args[@]}"
fi
[ "$linux" = 1 ] || exit 0

# The Linux guest's boot, recorded by kerf and by QEMU's rr: the same kernel, initramfs, command
# line and RAM size; QEMU with the CPU model kerf emulates (examples/linux/run-qemu.sh). The
# selftest scenario ends the guest by itself (kerf-exit: port 0xF4, status 0 -> exit 1) after
# /init has run its 35 checks. kerf records on the virtual clock (its analogue of -icount: the
# run repeats exactly); both whole processes under /usr/bin/time (start-up included).
dir="$root/examples/linux"
[ -s "$dir/cache/vmlinuz" ] || { echo "bench/record.sh: --linux needs examples/linux/cache (make -C examples/linux fetch)" >&2; exit 2; }
command -v qemu-system-i386 >/dev/null || { echo "bench/record.sh: --linux needs qemu-system-i386" >&2; exit 2; }
make -s -C "$dir" image >&2
kernel="$dir/cache/vmlinuz" initrd="$dir/build/initramfs.cpio.gz"
append="console=ttyS0 noapic nolapic quiet panic=-1 scenario=selftest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
commas() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }
# timed NAME CMD...: runs CMD once under /usr/bin/time; $work/NAME.{out,err,time}; "wall cpu" (s) in $work/NAME.result
timed() {
  local name="$1"; shift
  echo "bench/record.sh: $name..." >&2
  local t0 t1 status=0
  t0=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" </dev/null || status=$?
  t1=$(date +%s.%N)
  if [ "$status" != 1 ] || ! grep -q "selftest: 35 checks, 0 failed" "$work/$name.out"; then
    echo "bench/record.sh: $name ended with exit $status, not the selftest's pass (exit 1); its output ends:" >&2
    tail -n 5 "$work/$name.out" "$work/$name.err" >&2
    exit 1
  fi
  tail -n 1 "$work/$name.time" | awk -v a="$t0" -v b="$t1" '{ printf "%.2f %.2f\n", b - a, $(NF - 1) + $NF }' >"$work/$name.result"
}
timed qemu qemu-system-i386 -M isapc -cpu pentium,+cmov,-vme,-de,-pse,-msr,-mce,-tsc,family=6 \
  -m 128 -nographic -nodefaults -serial stdio -no-reboot -kernel "$kernel" -initrd "$initrd" -append "$append" \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 -icount shift=auto,rr=record,rrfile="$work/qemu.rr"
read -r qwall qcpu <"$work/qemu.result"
qbytes=$(stat -c %s "$work/qemu.rr")
timed kerf "$root/kerf" record -o "$work/rec.kerf" "$kernel" --initrd "$initrd" --mem 128M --append "$append" --clock virtual
read -r kwall kcpu <"$work/kerf.result"
summary=$(grep -o 'kerf record: [0-9]* instructions, [0-9]* events, [0-9]* journal bytes' "$work/kerf.err")
kinsns=$(echo "$summary" | awk '{ print $3 }') kbytes=$(echo "$summary" | awk '{ print $7 }')
recbytes=$(du -s --block-size=1 "$work/rec.kerf" | awk '{ print $1 }')
echo
echo "(f) the Linux guest's boot + selftest recorded: kerf record vs QEMU rr record (one run each, whole processes, s)"
echo "    $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| recorder | wall s | CPU s | instructions | MIPS (wall) | log bytes |"
echo "|---|---:|---:|---:|---:|---:|"
printf '| kerf record --clock virtual | %s | %s | %s | %s | %s (journal) |\n' "$kwall" "$kcpu" \
  "$(commas "$kinsns")" "$(awk -v n="$kinsns" -v s="$kwall" 'BEGIN { printf "%.1f", n / s / 1e6 }')" "$(commas "$kbytes")"
printf '| qemu-system-i386 -icount shift=auto,rr=record | %s | %s | — | — | %s (rr log) |\n' "$qwall" "$qcpu" "$(commas "$qbytes")"
echo
awk -v k="$kwall" -v q="$qwall" -v kc="$kcpu" -v qc="$qcpu" \
  'BEGIN { printf "kerf / QEMU: %.1fx the wall time, %.1fx the CPU time\n", k / q, kc / qc }'
echo "kerf's recording directory: $(commas "$recbytes") bytes on disk (manifest, kernel and initramfs images, journal; the queue file is sparse)."
echo "$(java -version 2>&1 | head -n 1); $(qemu-system-i386 --version | head -n 1)."
