package dev.kerf.retargeter.jvm;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.introspect.GuestMemory;

/**
 * Reads the hook structures' fields from the user-mode machine's memory through the current page
 * directory, without faulting or changing anything the replay computes. Every pointer and length
 * comes from the guest, so each is checked: an unmapped byte or a length past its cap is a
 * {@link JvmRetargetException} naming the hook and the address.
 */
final class GuestStructs {
    private final Cpu cpu;
    private final GuestMemory memory;
    private final String hook;

    GuestStructs(Cpu cpu, String hook) {
        this.cpu = cpu;
        this.memory = new GuestMemory(cpu.memory);
        this.hook = hook;
    }

    /** The hook function's cdecl argument: the u32 at [ESP+4] on its first instruction. */
    int argument() {
        return u32(cpu.reg[Cpu.ESP] + 4);
    }

    int u32(int va) {
        byte[] b = bytes(va, 4, 4);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | b[3] << 24;
    }

    /** {@code n} bytes at {@code va}; n above {@code cap} or an unmapped byte is an error. A NULL pointer with n = 0 is fine. */
    byte[] bytes(int va, int n, int cap) {
        if (n < 0 || n > cap) throw bad("a length of " + Integer.toUnsignedString(n) + " bytes (at most " + cap + ")");
        if (n == 0) return new byte[0];
        byte[] b = memory.virtualBytes(cpu.cr3, va, n);
        if (b == null || b.length != n) throw bad(n + " bytes at " + JvmExport.hex(va) + " are not all mapped");
        return b;
    }

    /** The NUL-terminated string at {@code va} (bytes as chars), at most {@code max} bytes, non-empty. */
    String cString(int va, int max, String what) {
        String s = memory.virtualCString(cpu.cr3, va, max + 1);
        if (s == null) throw bad(what + " at " + JvmExport.hex(va) + " is not mapped");
        if (s.length() > max) throw bad(what + " at " + JvmExport.hex(va) + " is longer than " + max + " bytes");
        if (s.isEmpty()) throw bad(what + " at " + JvmExport.hex(va) + " is empty");
        return s;
    }

    JvmRetargetException bad(String problem) {
        return new JvmRetargetException("minijvm's " + hook + " hook at user instruction " + cpu.icount + ": " + problem);
    }
}
