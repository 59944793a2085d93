#!/usr/bin/env bash
# Record/replay benchmark (issue 4, must-show 5): record overhead vs a plain run, log bytes per
# million instructions / guest minute / timer interrupt / console byte, replay vs record speed,
# and the same workloads under qemu-system-i386 -icount rr=record/replay, measured in one run.
# Usage: bench/record.sh [--reps N] [--scale F] [--no-qemu]
# Builds the guests and the bench jar, then prints the tables docs/benchmarks.md quotes.
# Not a test: numbers depend on the machine and its load.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/bench/build.sh"
read -r -a flags < "$root/bench/target/kerf-bench.jvmflags"
exec java -Xss8m "${flags[@]}" -cp "$root/bench/target/kerf-bench.jar" dev.kerf.bench.RecordBench --root "$root" "$@"
