#!/usr/bin/env bash
# Process slices, component slices and retargeted logs (issues 6 and 7): for each, the size of
# what `kerf` writes against the recording it came from, and the median wall time of making it
# and of replaying it, through the CLI exactly as a user runs it (so each time includes one JVM
# start, ~0.4 s). Recordings use --clock virtual: the same guest run on every machine.
# Usage: bench/pipeline.sh [--reps N]
# Prints a markdown table (docs/benchmarks.md "Slicing" quotes it). Progress on stderr.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
reps=5
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    *) echo "usage: bench/pipeline.sh [--reps N]" >&2; exit 2 ;;
  esac
done
"$root/bench/build.sh"
"$root/kerf" --version >/dev/null 2>&1   # builds the jar if needed, outside the timings
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# the jar itself from here on: the launcher would rebuild it mid-run if a source changed meanwhile
read -r -a jvmflags < "$root/cli/target/kerf.jvmflags"
printf '#!/usr/bin/env bash\nexec java -Xss8m -Dkerf.root=%q %s -jar %q "$@"\n' "$root" "${jvmflags[*]}" "$root/cli/target/kerf.jar" > "$work/kerf"
chmod +x "$work/kerf"
kerf="$work/kerf"
guest="$root/examples/guest/build"
record() {  # record NAME SCENARIO [extra options]
  local name="$1" scenario="$2"; shift 2
  echo "pipeline: recording scenario=$scenario" >&2
  "$kerf" record -o "$work/$name.kerf" --clock virtual "$guest/kernel.elf" --module "$guest/initrd.tar" \
    --append "scenario=$scenario" "$@" >/dev/null 2>&1 || true
  [ -f "$work/$name.kerf/manifest.json" ] || { echo "pipeline: recording $scenario failed" >&2; exit 1; }
  "$kerf" pack "$work/$name.kerf" -o "$work/$name.kpack" >/dev/null 2>&1
}
# median of the wall milliseconds of running "$@" $reps times (output discarded)
median_ms() {
  local times=() i t0 t1
  for ((i = 0; i < reps; i++)); do
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "pipeline: failed: $*" >&2; exit 1; }
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'
}
bytes() { stat -c %s "$1"; }
row() {  # row LABEL SOURCE-NAME OUTPUT REPLAY-CMD... -- MAKE-CMD...
  local label="$1" src="$2" outf="$3"; shift 3
  local replay=() make=()
  while [ "$1" != -- ]; do replay+=("$1"); shift; done
  shift; make=("$@")
  echo "pipeline: $label" >&2
  local m r
  m=$(median_ms "${make[@]}")
  r=$(median_ms "${replay[@]}")
  printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "$(bytes "$work/$src.kpack")" "$(bytes "$outf")" \
    "$(awk -v a="$(bytes "$outf")" -v b="$(bytes "$work/$src.kpack")" 'BEGIN {printf "%.1f %%", 100 * a / b}')" "$m" "$r"
}
record bug bugreport
record net net --net-in "$guest/net-sample.pcap"
record jvm jvm
echo "| what (command) | recording, packed (B) | output (B) | output / recording | make, median wall (ms) | replay, median wall (ms) |"
echo "|---|---:|---:|---:|---:|---:|"
b="$work/bug.kerf"
row "process slice: \`slice bug --process 10\` (buggy, faults)" bug "$work/p10.kslice" "$kerf" replay "$work/p10.kslice" -- \
  "$kerf" slice "$b" --process 10 -o "$work/p10.kslice"
row "process slice: \`--process 9\` (buggy, exits)" bug "$work/p9.kslice" "$kerf" replay "$work/p9.kslice" -- \
  "$kerf" slice "$b" --process 9 -o "$work/p9.kslice"
row "process slice: \`--process vault\`" bug "$work/vault.kslice" "$kerf" replay "$work/vault.kslice" -- \
  "$kerf" slice "$b" --process vault -o "$work/vault.kslice"
row "process slice: \`--process 10 --exclude-process vault --secret Hooli\`" bug "$work/p10s.kslice" "$kerf" replay "$work/p10s.kslice" -- \
  "$kerf" slice "$b" --process 10 --exclude-process vault --secret Hooli -o "$work/p10s.kslice"
for spec in 'buggy:parse_*' 'buggy:str*' 'buggy:strcpy' 'sh:str*'; do
  f="$work/c-${spec//[^a-z]/_}.kslice"
  row "component slice: \`--component $spec\`" bug "$f" "$kerf" replay "$f" -- "$kerf" slice "$b" --component "$spec" -o "$f"
done
row "component slice: \`--component kernel:ne2k_*\` (net scenario)" net "$work/ne2k.kslice" "$kerf" replay "$work/ne2k.kslice" -- \
  "$kerf" slice "$work/net.kerf" --component 'kernel:ne2k_*' -o "$work/ne2k.kslice"
"$kerf" slice "$b" --process 10 -o "$work/p10.kslice" >/dev/null 2>&1
row "syscall log: \`retarget buggy.kslice --to syscalls\` (replay: \`replay-syscalls\`)" bug "$work/buggy.ksys" \
  "$kerf" replay-syscalls "$work/buggy.ksys" -- "$kerf" retarget "$work/p10.kslice" --to syscalls -o "$work/buggy.ksys"
row "syscall log against buggy rebuilt at -O0: \`replay-syscalls --binary buggy-O0\`" bug "$work/buggy.ksys" \
  "$kerf" replay-syscalls "$work/buggy.ksys" --binary "$guest/variants/buggy-O0" -- true
jpid=$("$kerf" ps "$work/jvm.kerf" | awk '$3 == "minijvm" && $NF == 1 {print $1; exit}')
row "process slice: \`--process $jpid\` (minijvm running Inventory, uncaught exception)" jvm "$work/inv.kslice" \
  "$kerf" replay "$work/inv.kslice" -- "$kerf" slice "$work/jvm.kerf" --process "$jpid" -o "$work/inv.kslice"
row "JVM log: \`retarget inv.kslice --to jvm\` (replay: \`replay-jvm\` on the host JVM)" jvm "$work/inv.kjvm" \
  "$kerf" replay-jvm "$work/inv.kjvm" -- "$kerf" retarget "$work/inv.kslice" --to jvm -o "$work/inv.kjvm"
row "time slice: \`--time 1M..1500K\` (500 K instructions of bugreport)" bug "$work/t.kslice" "$kerf" replay -q "$work/t.kslice" -- \
  "$kerf" slice "$b" --time 1M..1500K -o "$work/t.kslice"
