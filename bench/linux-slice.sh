#!/usr/bin/env bash
# Slicing a Linux recording (issue 15, must-show 5): the bug report recorded from a booted snapshot
# of Debian's i386 kernel, then what each analysis costs and what it writes, through the CLI as a
# user runs it (each time includes one JVM start, ~0.4 s), next to the same rows on the example OS.
# Introspection cost: `kerf replay -q` (no introspection) vs `kerf ps` with a saved profile (the
# process tracker on the replay) vs `kerf ps` (a silent inference replay first) vs `kerf profile`.
# Usage: bench/linux-slice.sh [--reps N] [--snapshot F.ksnap]
#   --snapshot F   a booted snapshot at /init's "scenario? " prompt (else one is taken: ~1.5 min)
# Needs the package cache (make -C examples/linux fetch). Prints a markdown table; progress on stderr.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
reps=3 snap=
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --snapshot) snap="$2"; shift 2 ;;
    *) echo "usage: bench/linux-slice.sh [--reps N] [--snapshot F.ksnap]" >&2; exit 2 ;;
  esac
done
dir="$root/examples/linux"
make -s -C "$dir" image >&2
make -s -C "$root/examples/guest" >&2
"$root/kerf" --version >/dev/null 2>&1   # builds the jar if needed, outside the timings
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
read -r -a jvmflags < "$root/cli/target/kerf.jvmflags"
printf '#!/usr/bin/env bash\nexec java -Xss8m -Dkerf.root=%q %s -jar %q "$@"\n' "$root" "${jvmflags[*]}" "$root/cli/target/kerf.jar" > "$work/kerf"
chmod +x "$work/kerf"
kerf="$work/kerf"
if [ -z "$snap" ]; then
  echo "linux-slice: booting to /init's prompt for a snapshot..." >&2
  snap="$work/booted.ksnap"
  "$kerf" run "$dir/cache/vmlinuz" --initrd "$dir/build/initramfs.cpio.gz" --mem 128M \
    --append "console=ttyS0 noapic nolapic quiet panic=-1" --clock virtual --snapshot-on "scenario? " -o "$snap" >/dev/null 2>&1
fi
echo "linux-slice: recording the bug report from $snap" >&2
printf 'bugreport\n' | "$kerf" record -o "$work/lx.kerf" --from "$snap" >/dev/null 2>"$work/lx.rec.err" || true
[ -f "$work/lx.kerf/manifest.json" ] || { cat "$work/lx.rec.err" >&2; echo "linux-slice: recording failed" >&2; exit 1; }
"$kerf" pack "$work/lx.kerf" -o "$work/lx.kpack" >/dev/null 2>&1
guest="$root/examples/guest/build"
"$kerf" record -o "$work/os.kerf" --clock virtual "$guest/kernel.elf" --module "$guest/initrd.tar" --append scenario=bugreport \
  >/dev/null 2>&1 || true
"$kerf" pack "$work/os.kerf" -o "$work/os.kpack" >/dev/null 2>&1
secrets="$work/vault.secrets"
tr -d '\r' < "$root/examples/guest/rootfs/secret/vault.db" | grep -v '^#' | awk -F: 'NF > 1 {print $2}' | grep -v '^$' > "$secrets" || true

median_ms() {
  local times=() i t0 t1
  for ((i = 0; i < reps; i++)); do
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "linux-slice: failed: $*" >&2; exit 1; }
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'
}
bytes() { stat -c %s "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "1/%.0f", b / a}'; }
# row GUEST LABEL OUTPUT(or -) CMD...: the median wall time of CMD, the output's size and its share of the packed recording
row() {
  local g="$1" label="$2" outf="$3"; shift 3
  echo "linux-slice: $g: $label" >&2
  local m; m=$(median_ms "$@")
  if [ "$outf" = - ]; then
    printf '| %s | %s | %s | — | — |\n' "$g" "$label" "$m"
  else
    printf '| %s | %s | %s | %s | %s |\n' "$g" "$label" "$m" "$(bytes "$outf")" "$(ratio "$(bytes "$outf")" "$(bytes "$work/$g.kpack")")"
  fi
}
pid_of() {  # pid_of REC: the pid of the buggy that was killed by a signal
  "$kerf" ps "$1" | awk '$3 == "buggy" && /killed by signal/ {print $1; exit}'
}
lxpid=$(pid_of "$work/lx.kerf"); ospid=$(pid_of "$work/os.kerf")
"$kerf" profile "$work/lx.kerf" --save "$work/lx.kprofile" >/dev/null 2>&1
echo "| guest | what (command) | median wall (ms) | output (B) | output / packed recording |"
echo "|---|---|---:|---:|---:|"
for g in lx os; do
  rec="$work/$g.kerf"; pid=$lxpid; [ "$g" = os ] && pid=$ospid
  printf '| %s | packed recording (`kerf pack`: start snapshot or kernel + initrd, and the journal) | — | %s | 1 |\n' "$g" "$(bytes "$work/$g.kpack")"
  row "$g" "\`replay -q\` (every state hash verified, no introspection)" - "$kerf" replay -q "$rec"
  if [ "$g" = lx ]; then
    row "$g" "\`profile REC\` (kallsyms, and the task layout inferred by a replay that stops once it is confirmed)" - "$kerf" profile "$rec"
    row "$g" "\`ps --profile saved.kprofile\` (one replay with the process tracker)" - "$kerf" ps "$rec" --profile "$work/lx.kprofile"
  fi
  row "$g" "\`ps\` (the profile found as by default, then the tracker)" - "$kerf" ps "$rec"
  row "$g" "\`trace --syscalls\`" - "$kerf" trace "$rec" --syscalls
  row "$g" "\`slice --process $pid\` (buggy, faults)" "$work/$g-p.kslice" "$kerf" slice "$rec" --process "$pid" -o "$work/$g-p.kslice"
  row "$g" "\`replay\` of that slice (alone, on the user-mode machine)" - "$kerf" replay "$work/$g-p.kslice"
  row "$g" "\`slice --process $pid --exclude-process vault --secret-file vault.secrets\`" "$work/$g-ps.kslice" \
    "$kerf" slice "$rec" --process "$pid" --exclude-process vault --secret-file "$secrets" -o "$work/$g-ps.kslice"
  row "$g" "\`retarget --to syscalls\` of the buggy slice" "$work/$g.ksys" "$kerf" retarget "$work/$g-p.kslice" --to syscalls -o "$work/$g.ksys"
  row "$g" "\`replay-syscalls\` of that log" - "$kerf" replay-syscalls "$work/$g.ksys"
done
echo
echo "lx: the bug report recorded from a booted snapshot of $(grep -m 1 "^linux-image" "$dir/cache/packages.txt" 2>/dev/null || echo "the Debian kernel") ($("$kerf" info "$work/lx.kerf" 2>/dev/null | awk '/^instructions:/ {print $2; exit}') instructions); os: the example OS's bug report ($("$kerf" info "$work/os.kerf" 2>/dev/null | awk '/^instructions:/ {print $2; exit}') instructions)."
echo "$(nproc) CPUs; $(java -version 2>&1 | head -n 1); --reps $reps."
