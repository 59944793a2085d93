#!/usr/bin/env python3
"""Writes a reproducible newc cpio archive of a directory tree (an initramfs).

usage: mkcpio.py ROOT OUT [NODE ...]   NODE: path:c|b:major:minor (a device node, e.g. dev/console:c:5:1)

Entries are in sorted path order (parents first), with uid/gid 0, mtime 0, inode numbers
counted from 1, and modes normalised to 0755 (directories and executables) or 0644, so the
archive depends only on the file names and contents. Symbolic links are stored as links.
The output is written to OUT.tmp and renamed, so a failed run leaves no half-written archive.
"""
import os
import stat
import sys


def header(ino, mode, nlink, size, name, rdev=(0, 0)):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev[0], rdev[1], len(name) + 1, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields) + name + b"\0"


def pad(n):
    return b"\0" * ((4 - n % 4) % 4)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: mkcpio.py ROOT OUT [path:c|b:major:minor ...]\n")
        return 2
    root, out = argv[1], argv[2]
    entries = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            full = os.path.join(dirpath, n)
            entries[os.path.relpath(full, root)] = ("path", full)
    for spec in argv[3:]:
        try:
            path, kind, major, minor = spec.split(":")
            if kind not in ("c", "b"):
                raise ValueError
            entries[path] = ("node", kind, int(major), int(minor))
        except ValueError:
            sys.stderr.write("mkcpio.py: bad node %r (want path:c|b:major:minor)\n" % spec)
            return 2
    # every parent directory of a node must be in the archive
    for path in list(entries):
        parent = os.path.dirname(path)
        while parent and parent not in entries:
            entries[parent] = ("dir",)
            parent = os.path.dirname(parent)
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        pos = 0

        def put(b):
            nonlocal pos
            f.write(b)
            pos += len(b)

        for ino, path in enumerate(sorted(entries, key=lambda p: p.split(os.sep)), start=1):
            e = entries[path]
            name = path.encode()
            data, rdev = b"", (0, 0)
            if e[0] == "node":
                mode = (stat.S_IFCHR if e[1] == "c" else stat.S_IFBLK) | 0o600
                rdev, nlink = (e[2], e[3]), 1
            elif e[0] == "dir":
                mode, nlink = stat.S_IFDIR | 0o755, 2
            else:
                st = os.lstat(e[1])
                if stat.S_ISLNK(st.st_mode):
                    mode, nlink, data = stat.S_IFLNK | 0o777, 1, os.readlink(e[1]).encode()
                elif stat.S_ISDIR(st.st_mode):
                    mode, nlink = stat.S_IFDIR | 0o755, 2
                elif stat.S_ISREG(st.st_mode):
                    perm = 0o755 if st.st_mode & 0o111 else 0o644
                    mode, nlink = stat.S_IFREG | perm, 1
                    with open(e[1], "rb") as src:
                        data = src.read()
                else:
                    sys.stderr.write("mkcpio.py: %s: not a file, directory or link\n" % e[1])
                    return 1
            put(header(ino, mode, nlink, len(data), name, rdev))
            put(pad(pos))
            put(data)
            put(pad(pos))
        put(header(0, 0, 1, 0, b"TRAILER!!!"))
        put(pad(pos))
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
