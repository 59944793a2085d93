#!/usr/bin/env bash
# Linux guest benchmark (issue 14, must-show 4): Debian's i386 kernel + the examples/linux
# initramfs booted to /init and its selftest, under qemu-system-i386 (TCG, and -icount rr=record /
# rr=replay) and under kerf (run, record, replay), then the booted snapshot: its size, the time to
# take it, the time to start a recording from it, and the selftest recorded and replayed from it.
# Usage: bench/linux.sh [--reps N] [--no-qemu]
#   --reps N   repetitions per measurement (default 1: a kerf boot is minutes; medians are quoted)
# Needs the package cache (make -C examples/linux fetch). Prints a markdown table on stdout,
# progress on stderr. Not a test: numbers depend on the machine and its load.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
reps=1 qemu=1
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --no-qemu) qemu=0; shift ;;
    *) echo "usage: bench/linux.sh [--reps N] [--no-qemu]" >&2; exit 2 ;;
  esac
done
dir="$root/examples/linux"
make -s -C "$dir" image >&2
kernel="$dir/cache/vmlinuz" initrd="$dir/build/initramfs.cpio.gz"
kerf="$root/kerf"
"$kerf" --version >/dev/null # builds the jar first, outside the timings
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
append="console=ttyS0 noapic nolapic quiet panic=-1"
prompt="scenario? "
qemu_args=(-M isapc -cpu pentium,+cmov,-vme,-de,-pse,-msr,-mce,-tsc,family=6 -m 128 -nographic -nodefaults
  -serial stdio -no-reboot -kernel "$kernel" -initrd "$initrd" -device isa-debug-exit,iobase=0xf4,iosize=0x04)

now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# time_it NAME CMD...: runs CMD reps times (stdout/stderr to $work/NAME.out/.err, status ignored), prints the median wall seconds
time_it() {
  local name="$1"; shift
  local t
  for ((i = 0; i < reps; i++)); do
    echo "bench/linux.sh: $name ($((i + 1))/$reps)..." >&2
    rm -rf "$work/$name.kerf"
    local t0; t0=$(now)
    "$@" >"$work/$name.out" 2>"$work/$name.err" </dev/null || true
    awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f\n", b - a }'
  done | median
}
time_in() {  # as time_it, stdin from the file $IN
  local name="$1"; shift
  for ((i = 0; i < reps; i++)); do
    echo "bench/linux.sh: $name ($((i + 1))/$reps)..." >&2
    rm -rf "$work/$name.kerf"
    local t0; t0=$(now)
    "$@" >"$work/$name.out" 2>"$work/$name.err" <"$IN" || true
    awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f\n", b - a }'
  done | median
}
row() { printf '| %s | %s | %s | %s | %s |\n' "$@"; }
mips() { awk -v n="$1" -v s="$2" 'BEGIN { if (n > 0 && s > 0) printf "%.1f", n / s / 1e6; else print "—" }'; }
field() { grep -o "$1" "$2" | head -n 1 | grep -o '[0-9]*' | head -n 1; }

echo "| what | instructions | wall (s, median of $reps) | MIPS | bytes |"
echo "|---|---|---|---|---|"
if [ "$qemu" = 1 ] && command -v qemu-system-i386 >/dev/null; then
  s=$(time_it qemu-tcg qemu-system-i386 "${qemu_args[@]}" -append "$append scenario=selftest")
  row "QEMU TCG: boot + selftest" "—" "$s" "—" "—"
  s=$(time_it qemu-rr-record qemu-system-i386 "${qemu_args[@]}" -append "$append scenario=selftest" \
    -icount shift=auto,rr=record,rrfile="$work/qemu.rr")
  row "QEMU \`-icount shift=auto,rr=record\`: boot + selftest" "—" "$s" "—" "$(stat -c %s "$work/qemu.rr") (rr log)"
  s=$(time_it qemu-rr-replay qemu-system-i386 "${qemu_args[@]}" -append "$append scenario=selftest" \
    -icount shift=auto,rr=replay,rrfile="$work/qemu.rr")
  row "QEMU \`rr=replay\` of it" "—" "$s" "—" "—"
fi
s=$(time_it run "$kerf" --verbose run "$kernel" --initrd "$initrd" --mem 128M --append "$append scenario=selftest" --clock virtual)
n=$(field 'after [0-9]* instructions' "$work/run.err")
row "kerf run: boot + selftest (virtual clock)" "$n" "$s" "$(mips "$n" "$s")" "—"
s=$(time_it rec "$kerf" record -o "$work/rec.kerf" "$kernel" --initrd "$initrd" --mem 128M --append "$append scenario=selftest" --clock virtual)
n=$(field 'record: [0-9]* instructions' "$work/rec.err"); j=$(field '[0-9]* journal bytes' "$work/rec.err")
row "kerf record: boot + selftest" "$n" "$s" "$(mips "$n" "$s")" "$j (journal)"
s=$(time_it replay "$kerf" replay -q "$work/rec.kerf")
row "kerf replay of it (every state hash verified)" "$n" "$s" "$(mips "$n" "$s")" "—"
rm -rf "$work/rec.kerf"

s=$(time_it snap "$kerf" run "$kernel" --initrd "$initrd" --mem 128M --append "$append" --clock virtual \
  --snapshot-on "$prompt" -o "$work/booted.ksnap")
n=$(field 'snapshot at icount [0-9]*' "$work/snap.err")
row "kerf run --snapshot-on \"$prompt\": boot to /init's prompt, save the machine" "$n" "$s" "$(mips "$n" "$s")" \
  "$(stat -c %s "$work/booted.ksnap") (snapshot, 128 MiB RAM)"
IN="$work/selftest.in"; printf 'selftest\n' > "$IN"
s=$(time_in start "$kerf" record -o "$work/start.kerf" --from "$work/booted.ksnap" --max-insns 1)
row "kerf record --from it --max-insns 1: start a recording from the snapshot" "1" "$s" "—" "—"
s=$(time_in fromrec "$kerf" record -o "$work/fromrec.kerf" --from "$work/booted.ksnap" --clock virtual)
n=$(field 'record: [0-9]* instructions' "$work/fromrec.err"); j=$(field '[0-9]* journal bytes' "$work/fromrec.err")
row "kerf record --from it: selftest only" "$n" "$s" "$(mips "$n" "$s")" "$j (journal)"
s=$(time_it fromreplay "$kerf" replay -q "$work/fromrec.kerf")
row "kerf replay of it" "$n" "$s" "$(mips "$n" "$s")" "—"
"$kerf" pack "$work/fromrec.kerf" -o "$work/fromrec.kpack" >/dev/null 2>&1 || true
[ -f "$work/fromrec.kpack" ] && row "kerf pack of that recording (snapshot + journal, one file)" "—" "—" "—" "$(stat -c %s "$work/fromrec.kpack")"
echo
echo "$(nproc) CPUs; $(java -version 2>&1 | head -n 1); $(qemu-system-i386 --version 2>/dev/null | head -n 1 || echo 'no QEMU')."
