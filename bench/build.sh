#!/usr/bin/env bash
# Builds what every benchmark needs: the guest images (examples/guest, examples/bench, the sample
# capture) and the bench jar (the `bench` profile; offline first, then with Maven Central).
# Called by each bench/*.sh; prints nothing unless something fails.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
make -s -C "$root/examples/bench"
make -s -C "$root/examples/guest" all pcap
cd "$root"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! mvn -B -q -o -Pbench -pl bench -am package -DskipTests >"$log" 2>&1; then
  mvn -B -q -Pbench -pl bench -am package -DskipTests >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
fi
