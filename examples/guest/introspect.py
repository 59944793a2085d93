#!/usr/bin/env python3
"""Reference reader for the guest's introspection export (docs/guest.md, version 1.x).

    ./introspect.py MEMORY.bin            # a dump of guest physical memory from address 0

Finds the KERFINTR structure (at 0x00100020 in current builds, else by scanning the first
4 MiB), then prints the process table: pid, ppid, state, name, CR3, the user eip of processes
in the kernel (from their trap frame) and the current process. Kernel addresses are physical
(identity mapped), so no page-table walk is needed for kernel data; user_read() shows the walk
for user addresses.
"""
import struct
import sys

STATES = ["unused", "embryo", "sleeping", "runnable", "running", "zombie"]
FIELDS = ("magic vmaj vmin size proc_table proc_size proc_count current_ptr off_pid off_ppid "
          "off_name name_len off_state off_cr3 off_entry off_ustack off_brk off_exit_status off_tf "
          "off_kstack kstack_size st_unused st_embryo st_sleeping st_runnable st_running st_zombie "
          "user_base user_top kernel_map_end ticks_ptr hz syscall_vector cmdline_ptr").split()


def find_export(mem):
    off = 0x100020 if mem[0x100020:0x100028] == b"KERFINTR" else mem.find(b"KERFINTR", 0, 4 << 20)
    if off < 0:
        sys.exit("no KERFINTR export in the first 4 MiB")
    vals = struct.unpack_from("<8sHHI" + "I" * 30, mem, off)
    d = dict(zip(FIELDS, vals))
    if d["vmaj"] != 1:
        sys.exit("introspection export version %d.%d: this reader knows 1.x" % (d["vmaj"], d["vmin"]))
    return off, d


def u32(mem, a):
    return struct.unpack_from("<I", mem, a)[0]


def user_read(mem, cr3, va, n):
    """Reads n bytes at user virtual address va through the 2-level page tables at cr3."""
    out = b""
    while n > 0:
        pde = u32(mem, (cr3 & ~0xFFF) + (va >> 22) * 4)
        if not pde & 1:
            return None
        pte = u32(mem, (pde & ~0xFFF) + ((va >> 12) & 1023) * 4)
        if not pte & 1:
            return None
        chunk = min(n, 4096 - (va & 0xFFF))
        pa = (pte & ~0xFFF) + (va & 0xFFF)
        out += mem[pa:pa + chunk]
        va += chunk
        n -= chunk
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    mem = open(sys.argv[1], "rb").read()
    off, d = find_export(mem)
    cmdline = mem[d["cmdline_ptr"]:d["cmdline_ptr"] + 256].split(b"\0")[0].decode()
    print("export at 0x%08x, version %d.%d, ticks %d, cmdline %r" %
          (off, d["vmaj"], d["vmin"], u32(mem, d["ticks_ptr"]), cmdline))
    current = u32(mem, d["current_ptr"])
    print("  PID  PPID STATE     CR3        ENTRY      USER-EIP   NAME")
    for i in range(d["proc_count"]):
        p = d["proc_table"] + i * d["proc_size"]
        state = u32(mem, p + d["off_state"])
        if state == d["st_unused"]:
            continue
        name = mem[p + d["off_name"]:p + d["off_name"] + d["name_len"]].split(b"\0")[0].decode()
        tf = u32(mem, p + d["off_tf"])
        eip = u32(mem, tf + 14 * 4) if tf else 0
        mark = " <- current" if p == current else ""
        print("%5d %5d %-9s 0x%08x 0x%08x 0x%08x %s%s" % (
            u32(mem, p + d["off_pid"]), u32(mem, p + d["off_ppid"]),
            STATES[state] if state < len(STATES) else "?", u32(mem, p + d["off_cr3"]),
            u32(mem, p + d["off_entry"]), eip, name, mark))


if __name__ == "__main__":
    main()
