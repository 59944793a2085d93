#!/bin/sh
# Fetches the Linux guest's two Debian i386 packages once into cache/ and unpacks them:
#   the newest linux-image-6.1.0-*-686 (the one the linux-image-686 metapackage depends on)
#   and busybox-static. Afterwards everything builds offline from cache/.
# Needs: apt-get with the i386 architecture enabled (dpkg --add-architecture i386; apt-get update).
# Outputs: cache/vmlinuz, cache/busybox, cache/packages.txt (the exact package versions).
set -e
cd "$(dirname "$0")"
if [ -s cache/vmlinuz ] && [ -s cache/busybox ] && [ -s cache/packages.txt ]; then
  exit 0
fi
die() { echo "examples/linux/fetch.sh: $*" >&2; exit 1; }
command -v apt-get >/dev/null || die "apt-get not found: cannot fetch linux-image-686:i386 and busybox-static:i386"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found: cannot unpack the packages"
rm -rf cache/tmp
trap 'rm -rf cache/tmp' EXIT
mkdir -p cache/tmp/deb cache/tmp/root
kernel=$(apt-cache depends linux-image-686:i386 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-686\)\(:i386\)\{0,1\}$/\1/p' | head -1)
[ -n "$kernel" ] || die "cannot resolve linux-image-686:i386 to a linux-image-6.1.0-*-686 package (is the i386 architecture added and apt-get update done?)"
for p in "$kernel:i386" busybox-static:i386; do
  echo "fetching $p" >&2
  (cd cache/tmp/deb && apt-get download -q "$p" >/dev/null 2>../apt.err) ||
    { cat cache/tmp/apt.err >&2; die "download of package $p failed"; }
done
for d in cache/tmp/deb/*.deb; do
  dpkg-deb -x "$d" cache/tmp/root || die "cannot unpack $d"
done
vmlinuz=$(ls cache/tmp/root/boot/vmlinuz-* 2>/dev/null | head -1)
[ -n "$vmlinuz" ] || die "package $kernel:i386 has no /boot/vmlinuz-*"
[ -x cache/tmp/root/bin/busybox ] || die "package busybox-static:i386 has no /bin/busybox"
cp "$vmlinuz" cache/vmlinuz.new
cp cache/tmp/root/bin/busybox cache/busybox.new
(cd cache/tmp/deb && ls *.deb) > cache/packages.txt.new
mv cache/vmlinuz.new cache/vmlinuz
mv cache/busybox.new cache/busybox
mv cache/packages.txt.new cache/packages.txt
rm -rf cache/tmp
echo "cached: $(tr '\n' ' ' < cache/packages.txt)" >&2
