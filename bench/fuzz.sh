#!/usr/bin/env bash
# The long fuzz campaign (issue 13): the default test run's campaign (FuzzCampaignTest, ~250
# cases) for as long as asked, over every reader: recording manifest, journal, checkpoint, page
# pack, packed recording, time/process/component slices, syscall log, JVM log, pcap, kernel ELF,
# --binary ELF. Prints one line per reader (cases, exit-code histogram, slowest case, largest peak
# heap) and a summary; failing inputs are kept under WORK/failures.
# Usage: bench/fuzz.sh [--seconds 600 | --cases N (per reader)] [--seed 20261207] [--work DIR]
#                      [--timeout 60] [--heap-bound 512] [--only manifest,journal] [--report FILE.tsv]
# The driver is dev.kerf.cli.fuzz.FuzzCampaign (cli test sources); seeds are made on the first
# run and kept in WORK/seeds (delete it to remake them). Exit 0 when no case failed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/bench/target/fuzz"
args=()
seconds=600
have_count=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --work) work="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --cases|--scale) have_count=1; args+=("$1" "$2"); shift 2 ;;
        *) args+=("$1" "$2"); shift 2 ;;
    esac
done
[[ $have_count == 1 ]] || args+=(--seconds "$seconds")
# the kerf jar and the cli test classes (mvn package compiles the tests; -DskipTests does not run them)
(cd "$root" && mvn -B -q -o -pl cli -am -DskipTests package </dev/null >/dev/null 2>&1 \
    || mvn -B -q -pl cli -am -DskipTests package </dev/null)
read -r -a flags < "$root/cli/target/kerf.jvmflags"
mkdir -p "$work/tmp"
rm -rf "${work:?}/tmp/"*
# a private java.io.tmpdir: a temporary file kerf leaves behind is seen
exec java -Xss8m -Xmx768m "${flags[@]}" -Djava.io.tmpdir="$work/tmp" -Dkerf.root="$root" \
    -cp "$root/cli/target/kerf.jar:$root/cli/target/test-classes" dev.kerf.cli.fuzz.FuzzCampaign --work "$work" "${args[@]}"
