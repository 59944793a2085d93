#!/bin/sh
# Self-check of the guest under QEMU: reproducible build, and each scenario's console output
# and exit status against expected/ (net: fed from build/net-sample.pcap by pcap-feed.py).
# usage: check.sh [--update]   environment: QEMU, PCAP_PORT (default 5556)
set -e
cd "$(dirname "$0")"
make -s
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src"
cp -R kernel user rootfs java Makefile pcap-feed.py "$tmp/src/"
make -s -C "$tmp/src" >/dev/null
cmp "$tmp/src/build/kernel.elf" build/kernel.elf && cmp "$tmp/src/build/initrd.tar" build/initrd.tar
echo "reproducible build: ok"
fail=0
for s in selftest bugreport smoke jvm jvmselftest leaks; do
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
# net: frames from the sample capture through a socket netdev (pcap-feed.py)
make -s pcap
port=${PCAP_PORT:-5556}
python3 pcap-feed.py --port "$port" --in build/net-sample.pcap --out "$tmp/net-out.pcap" --wait 0.3 \
  --ready-file "$tmp/ready" 2>/dev/null &
feeder=$!
i=0
while [ ! -e "$tmp/ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
set +e
timeout 60 ${QEMU:-qemu-system-i386} -kernel build/kernel.elf -initrd build/initrd.tar \
  -append scenario=net -display none -serial stdio -nodefaults -m 32 \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
  -device ne2k_isa,iobase=0x300,irq=9,netdev=n0 -netdev socket,id=n0,connect=127.0.0.1:$port \
  > "$tmp/net.out"
rc=$?
wait $feeder
set -e
echo "$rc" > "$tmp/net.status"
if [ "$1" = --update ]; then
  cp "$tmp/net.out" expected/net.out; cp "$tmp/net.status" expected/net.status
elif cmp -s "$tmp/net.out" expected/net.out && cmp -s "$tmp/net.status" expected/net.status; then
  echo "net (sample pcap): ok (QEMU exit status $rc)"
else
  echo "net (sample pcap): DIFFERS (QEMU exit status $rc)"; diff expected/net.out "$tmp/net.out" || true; fail=1
fi
exit $fail
