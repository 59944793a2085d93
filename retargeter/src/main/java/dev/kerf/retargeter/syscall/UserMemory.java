package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.cpu.Cpu;

import java.io.ByteArrayOutputStream;

/** Reads of a user-mode CPU's linear memory as a debugger does: through its page tables, no fault, no side effect. */
final class UserMemory {
    private UserMemory() {}

    /** {@code n} bytes at {@code va}, or null when any of them is unmapped. */
    @FunctionalInterface
    interface Reader {
        byte[] read(int va, int n);
    }

    /**
     * The process's memory as a system call's kernel side sees it: what {@code cpu} has mapped,
     * and the pages the call itself brought in ({@code pagedIn}: demand paging inside the call,
     * as when the kernel reads a path from a page the process never touched), with their bytes
     * from {@code writes} (zero where none).
     */
    static Reader withPagedIn(Cpu cpu, java.util.Collection<dev.kerf.emulator.usermode.PageMapping> pagedIn,
                              java.util.List<dev.kerf.emulator.usermode.MemoryWrite> writes) {
        java.util.Set<Integer> in = new java.util.TreeSet<>();
        for (dev.kerf.emulator.usermode.PageMapping m : pagedIn) in.add(m.page());
        return (va, n) -> {
            byte[] whole = read(cpu, va, n);
            if (whole != null) return whole;
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                int at = va + i;
                byte[] b = read(cpu, at, 1);
                if (b != null) {
                    out[i] = b[0];
                    continue;
                }
                if (!in.contains(at >>> 12)) return null;
                for (dev.kerf.emulator.usermode.MemoryWrite w : writes) {
                    long start = Integer.toUnsignedLong(w.address()), a = Integer.toUnsignedLong(at);
                    if (a >= start && a < start + w.bytes().length) out[i] = w.bytes()[(int) (a - start)];
                }
            }
            return out;
        };
    }

    /** {@code n} bytes at {@code va}, or null when any of them is unmapped. */
    static byte[] read(Cpu cpu, int va, int n) {
        byte[] out = new byte[n];
        int done = 0;
        while (done < n) {
            int at = va + done;
            long pa = cpu.mmu.probe(at);
            if (pa < 0) return null;
            int chunk = Math.min(n - done, 4096 - (at & 0xFFF));
            if (!cpu.memory.contains(pa, chunk)) return null;
            System.arraycopy(cpu.memory.array(), (int) pa, out, done, chunk);
            done += chunk;
        }
        return out;
    }

    /** The bytes at {@code va} up to (not including) a NUL, at most {@code max}; null when unmapped before either. */
    static byte[] cString(Cpu cpu, int va, int max) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < max; i++) {
            byte[] c = read(cpu, va + i, 1);
            if (c == null) return null;
            if (c[0] == 0) break;
            b.write(c[0]);
        }
        return b.toByteArray();
    }

    static boolean nulAt(Cpu cpu, int va) {
        byte[] c = read(cpu, va, 1);
        return c != null && c[0] == 0;
    }
}
