#!/bin/sh
# Self-check of the guest under QEMU: reproducible build, and each scenario's console output
# and exit status against expected/. usage: check.sh [--update]
set -e
cd "$(dirname "$0")"
make -s
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src"
cp -R kernel user rootfs Makefile pcap-feed.py "$tmp/src/"
make -s -C "$tmp/src" >/dev/null
cmp "$tmp/src/build/kernel.elf" build/kernel.elf && cmp "$tmp/src/build/initrd.tar" build/initrd.tar
echo "reproducible build: ok"
fail=0
for s in selftest bugreport smoke; do
  set +e
  TIMEOUT=60 ./run-qemu.sh "$s" > "$tmp/$s.out"
  rc=$?
  set -e
  echo "$rc" > "$tmp/$s.status"
  if [ "$1" = --update ]; then
    cp "$tmp/$s.out" "expected/$s.out"; cp "$tmp/$s.status" "expected/$s.status"
  elif cmp -s "$tmp/$s.out" "expected/$s.out" && cmp -s "$tmp/$s.status" "expected/$s.status"; then
    echo "$s: ok (QEMU exit status $rc)"
  else
    echo "$s: DIFFERS (QEMU exit status $rc)"; diff "expected/$s.out" "$tmp/$s.out" || true; fail=1
  fi
done
exit $fail
