#!/usr/bin/env bash
# Guest MIPS of kerf and qemu-system-i386 (TCG) on the same guest images, in one run.
# Usage: bench/run.sh [--reps N] [--scale F] [--only loop,memory,pit]
# Builds the benchmark guests (examples/bench) and the bench jar, then prints the table that
# docs/benchmarks.md quotes. Not a test: numbers depend on the machine and its load.
# The cost of replay-time hooks (none / slow-path / memory / instruction) is bench/hooks.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/bench/build.sh"
exec java -Xss8m -jar "$root/bench/target/kerf-bench.jar" --root "$root" "$@"
