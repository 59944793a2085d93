#!/usr/bin/env bash
# Replay-time analysis costs (issue 5): replay MIPS per hook kind and seek times through
# checkpoints, on one host-clock recording of a guest scenario. Prints markdown tables.
# Usage: bench/replay.sh [--reps N] [--scenario selftest] [--every 16777216] [--seek-loops 20000000]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/bench/build.sh"
read -r -a flags < "$root/bench/target/kerf-bench.jvmflags"
exec java -Xss8m "${flags[@]}" -cp "$root/bench/target/kerf-bench.jar" dev.kerf.bench.ReplayBench --root "$root" "$@"
