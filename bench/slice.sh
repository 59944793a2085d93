#!/usr/bin/env bash
# Time slices (issue 6): full replay vs a 10 % time slice replay, slicing time, sizes and
# matching hashes, on a guest scenario and a compute workload. Prints a markdown table.
# Usage: bench/slice.sh [--reps N] [--scenario selftest] [--loops 20000000]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/bench/build.sh"
read -r -a flags < "$root/bench/target/kerf-bench.jvmflags"
exec java -Xss8m "${flags[@]}" -cp "$root/bench/target/kerf-bench.jar" dev.kerf.bench.SliceBench --root "$root" "$@"
