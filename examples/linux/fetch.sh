#!/bin/sh
# Fetches the Linux guest's Debian i386 packages once into cache/ and unpacks them:
#   the newest linux-image-6.1.0-*-686 (the one the linux-image-686 metapackage depends on),
#   busybox-static, and strace with the C library it needs (libc6: its dynamic loader and libc).
# Afterwards everything builds offline from cache/. A cache that lacks only some of the files
# gets only the missing packages (the kernel and busybox already there are kept as they are).
# Needs: apt-get with the i386 architecture enabled (dpkg --add-architecture i386; apt-get update).
# Outputs: cache/vmlinuz, cache/busybox, cache/strace, cache/ld-linux.so.2, cache/libc.so.6,
#   cache/packages.txt (the exact package versions, one .deb name a line, sorted).
set -e
cd "$(dirname "$0")"
have_base() { [ -s cache/vmlinuz ] && [ -s cache/busybox ]; }
have_strace() { [ -s cache/strace ] && [ -s cache/ld-linux.so.2 ] && [ -s cache/libc.so.6 ]; }
if have_base && have_strace && [ -s cache/packages.txt ]; then
  exit 0
fi
die() { echo "examples/linux/fetch.sh: $*" >&2; exit 1; }
command -v apt-get >/dev/null || die "apt-get not found: cannot fetch the Debian i386 packages"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found: cannot unpack the packages"
[ -s cache/packages.txt ] || rm -f cache/vmlinuz cache/busybox # versions unknown: fetch everything again
rm -rf cache/tmp
trap 'rm -rf cache/tmp' EXIT
mkdir -p cache/tmp/deb cache/tmp/root
packages=
if ! have_base; then
  kernel=$(apt-cache depends linux-image-686:i386 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-686\)\(:i386\)\{0,1\}$/\1/p' | head -1)
  [ -n "$kernel" ] || die "cannot resolve linux-image-686:i386 to a linux-image-6.1.0-*-686 package (is the i386 architecture added and apt-get update done?)"
  packages="$kernel:i386 busybox-static:i386"
fi
have_strace || packages="$packages strace:i386 libc6:i386"
for p in $packages; do
  echo "fetching $p" >&2
  (cd cache/tmp/deb && apt-get download -q "$p" >/dev/null 2>../apt.err) ||
    { cat cache/tmp/apt.err >&2; die "download of package $p failed"; }
done
for d in cache/tmp/deb/*.deb; do
  dpkg-deb -x "$d" cache/tmp/root || die "cannot unpack $d"
done
new=
if ! have_base; then
  vmlinuz=$(ls cache/tmp/root/boot/vmlinuz-* 2>/dev/null | head -1)
  [ -n "$vmlinuz" ] || die "package $kernel:i386 has no /boot/vmlinuz-*"
  [ -x cache/tmp/root/bin/busybox ] || die "package busybox-static:i386 has no /bin/busybox"
  cp "$vmlinuz" cache/vmlinuz.new
  cp cache/tmp/root/bin/busybox cache/busybox.new
  new="vmlinuz busybox"
fi
if ! have_strace; then
  [ -x cache/tmp/root/usr/bin/strace ] || die "package strace:i386 has no /usr/bin/strace"
  for f in ld-linux.so.2 libc.so.6; do
    [ -f cache/tmp/root/lib/i386-linux-gnu/$f ] || die "package libc6:i386 has no /lib/i386-linux-gnu/$f"
    cp cache/tmp/root/lib/i386-linux-gnu/$f cache/$f.new
  done
  cp cache/tmp/root/usr/bin/strace cache/strace.new
  new="$new strace ld-linux.so.2 libc.so.6"
fi
{ [ ! -s cache/packages.txt ] || cat cache/packages.txt; (cd cache/tmp/deb && ls *.deb); } | LC_ALL=C sort -u > cache/packages.txt.new
for f in $new; do mv cache/$f.new cache/$f; done
mv cache/packages.txt.new cache/packages.txt
rm -rf cache/tmp
echo "cached: $(tr '\n' ' ' < cache/packages.txt)" >&2
