#!/usr/bin/env bash
# The whole benchmark suite in one run: every table of docs/benchmarks.md, regenerated.
# Usage: bench/all.sh [--reps N] [--quick] [-o FILE]
#   --reps N   repetitions per measurement (default 5; medians are quoted)
#   --quick    one repetition at a third of the work: checks the suite runs (about 5 minutes),
#              not figures to quote
#   -o FILE    where the report goes (default bench/results/<UTC time>.md); also on stdout
# Each section names the script that made it and the docs/benchmarks.md section it regenerates;
# each table's rows say how they were measured (see that section's "Method"). Progress on stderr.
# Not a test: numbers depend on the machine and its load; quote medians of one run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
reps=5 scale=1 out=
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --quick) reps=1 scale=0.33; shift ;;
    -o) out="$2"; shift 2 ;;
    *) echo "usage: bench/all.sh [--reps N] [--quick] [-o FILE]" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || out="$root/bench/results/$(date -u +%Y-%m-%dT%H%MZ).md"
mkdir -p "$(dirname "$out")"
echo "bench/all.sh: building..." >&2
"$root/bench/build.sh"
{
  echo "# kerf benchmark report"
  echo
  echo "- when: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
  echo "- java: $(java -version 2>&1 | head -n 1); qemu: $(qemu-system-i386 --version 2>/dev/null | head -n 1 || echo 'not installed (QEMU columns empty)')"
  echo "- settings: --reps $reps --scale $scale"
  echo
} | tee "$out"
section() {  # section TITLE DOC-SECTION SCRIPT ARGS...
  local title="$1" doc="$2"; shift 2
  local t0=$SECONDS
  echo "bench/all.sh: $title ($*)..." >&2
  { echo "## $title"; echo; echo "Regenerates docs/benchmarks.md \"$doc\". Command: \`$*\`"; echo; } | tee -a "$out"
  "$root/$1" "${@:2}" 2>/dev/null | tee -a "$out"
  echo | tee -a "$out"
  echo "bench/all.sh: $title done in $((SECONDS - t0)) s" >&2
}
section "Guest MIPS: kerf vs qemu-system-i386" "Results" bench/run.sh --reps "$reps" --scale "$scale"
section "Record and replay, log bytes, kerf vs QEMU rr" "Record and replay" bench/record.sh --reps "$reps" --scale "$scale"
section "Replay-time hooks" "Hooks" bench/hooks.sh --reps "$reps" --scale "$scale"
section "Replay-time analysis: hook costs and seeking" "Replay-time analysis" bench/replay.sh --reps "$reps"
section "Time slices" "Slicing / Time slices" bench/slice.sh --reps "$reps"
section "Process and component slices, retargeted logs" "Slicing / Process slices" bench/pipeline.sh --reps "$reps"
if [ -s "$root/examples/linux/cache/vmlinuz" ]; then  # one repetition: a Linux boot on kerf is minutes
  section "Linux guest: boot, record, replay, booted snapshot" "Linux guest" bench/linux.sh --reps 1
  section "Slicing Linux recordings" "Slicing Linux recordings" bench/linux-slice.sh --reps "$reps"
else
  echo "bench/all.sh: Linux guest skipped (no examples/linux/cache: make -C examples/linux fetch)" >&2
fi
echo "bench/all.sh: report in $out" >&2
