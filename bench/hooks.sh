#!/usr/bin/env bash
# Guest MIPS with replay-time hooks registered (issue 5, must-show 4): each workload in each mode
# (none, slow = interrupt+privilege+CR3, memwrite, insn), one JVM per row, medians over --reps.
# With --baseline REV, also mode none on the emulator at REV (extracted with git archive into a
# temporary directory, HookBench.java copied in, built), alternating baseline and this tree
# --rounds times (default 2) so that drift in machine load shows up in both.
# Usage: bench/hooks.sh [--reps N] [--scale F] [--workloads loop,memory,pit] [--modes none,slow,memwrite,insn]
#                       [--baseline REV] [--rounds K]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
reps=5 scale=1.0 workloads=loop,memory,pit modes=none,slow,memwrite,insn baseline= rounds=2
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    --workloads) workloads=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: bench/hooks.sh [--reps N] [--scale F] [--workloads loop,memory,pit] [--modes none,slow,memwrite,insn] [--baseline REV] [--rounds K]" >&2; exit 2 ;;
  esac
done
"$root/bench/build.sh"
jar="$root/bench/target/kerf-bench.jar"
base_jar=
if [ -n "$baseline" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  git -C "$root" archive "$baseline" | tar -x -C "$tmp"
  cp "$root/bench/src/main/java/dev/kerf/bench/HookBench.java" "$tmp/bench/src/main/java/dev/kerf/bench/"
  (cd "$tmp" && mvn -B -q -o -Pbench -pl bench -am package -DskipTests)
  base_jar="$tmp/bench/target/kerf-bench.jar"
fi
run() { java -Xss8m -cp "$1" dev.kerf.bench.HookBench --root "$root" --reps "$reps" --scale "$scale" "${@:2}"; }
echo "java $(java -version 2>&1 | head -1), $(nproc) cpus, reps=$reps, scale=$scale, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "| workload | build | hooks | insns | MIPS (wall) | MIPS (CPU) | hook calls |"
echo "|---|---|---|---:|---:|---:|---:|"
for w in ${workloads//,/ }; do
  for m in ${modes//,/ }; do
    if [ "$m" = none ] && [ -n "$base_jar" ]; then
      for _ in $(seq "$rounds"); do
        run "$base_jar" --workload "$w" --mode none --label "$baseline"
        run "$jar" --workload "$w" --mode none --label "this tree"
      done
    else
      run "$jar" --workload "$w" --mode "$m" --label "this tree"
    fi
  done
done
