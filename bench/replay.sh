#!/usr/bin/env bash
# Replay-time analysis costs (issue 5): replay MIPS per hook kind and seek times through
# checkpoints, on one host-clock recording of a guest scenario. Prints markdown tables.
# Usage: bench/replay.sh [--reps N] [--scenario selftest] [--every 16777216] [--seek-loops 20000000]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
make -s -C "$root/examples/guest"
make -s -C "$root/examples/bench"
(cd "$root" && mvn -B -q -o -Pbench -pl bench -am package -DskipTests)
read -r -a flags < "$root/bench/target/kerf-bench.jvmflags"
exec java -Xss8m "${flags[@]}" -cp "$root/bench/target/kerf-bench.jar" dev.kerf.bench.ReplayBench --root "$root" "$@"
