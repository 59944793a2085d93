#!/bin/sh
# Self-check of the Linux guest under QEMU: reproducible initramfs, and each scenario's console
# output (from the line /init prints at the scenario's start, so the kernel's boot log is
# ignored; carriage returns dropped) and QEMU exit status against expected/. Lines between a
# scenario's marker lines "---- NAME ----" and "---- end NAME ----" (the guest's ps, the kernel's
# log, strace's log: pids, addresses and kernel threads vary from boot to boot) are left out, the
# marker lines stay; kerf's tests (LinuxSnapshotTest) compare those lines with kerf's own view.
# usage: check.sh [--update]   environment: QEMU, TIMEOUT
# Needs the cache (make -C examples/linux fetch, once; offline afterwards).
set -e
cd "$(dirname "$0")"
make -s image
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/linux" "$tmp/src/guest"
cp -R compat scenarios init kerf-exit.c mkcpio.py fetch.sh Makefile "$tmp/src/linux/"
cp -R ../guest/user ../guest/rootfs "$tmp/src/guest/"
ln -s "$PWD/cache" "$tmp/src/linux/cache"
make -s -C "$tmp/src/linux" image >/dev/null
cmp "$tmp/src/linux/build/initramfs.cpio.gz" build/initramfs.cpio.gz
echo "reproducible build: ok ($(wc -c < build/initramfs.cpio.gz) bytes)"
fail=0
for s in selftest bugreport strace; do
  set +e
  start=$(date +%s.%N)
  ./run-qemu.sh "$s" > "$tmp/$s.raw"
  rc=$?
  end=$(date +%s.%N)
  set -e
  tr -d '\r' < "$tmp/$s.raw" | sed -n '/^==== kerf linux guest: scenario /,$p' |
    awk '/^---- end /{skip=0} !skip{print} /^---- /&&!/^---- end /{skip=1}' > "$tmp/$s.out"
  echo "$rc" > "$tmp/$s.status"
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  if [ "$1" = --update ]; then
    mkdir -p expected
    cp "$tmp/$s.out" "expected/$s.out"; cp "$tmp/$s.status" "expected/$s.status"
    echo "$s: updated (QEMU exit status $rc, ${secs}s)"
  elif cmp -s "$tmp/$s.out" "expected/$s.out" && cmp -s "$tmp/$s.status" "expected/$s.status"; then
    echo "$s: ok (QEMU exit status $rc, ${secs}s)"
  else
    echo "$s: DIFFERS (QEMU exit status $rc, ${secs}s)"; diff "expected/$s.out" "$tmp/$s.out" || true
    [ -s "$tmp/$s.out" ] || tail -20 "$tmp/$s.raw"
    fail=1
  fi
done
exit $fail
