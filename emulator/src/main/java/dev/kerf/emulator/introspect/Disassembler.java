package dev.kerf.emulator.introspect;

import capstone.Capstone;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Disassembles guest instructions with capstone (32-bit x86, Intel syntax), cached per physical
 * and virtual address: a capstone call costs microseconds through JNA, a cache hit a map lookup and a byte
 * comparison. The cached bytes are compared with memory on every hit, so a frame reused by
 * another program, or code that changed, is disassembled again. Close it to free capstone's handle.
 */
public final class Disassembler implements AutoCloseable {
    /** The longest x86 instruction. */
    private static final int MAX_LENGTH = 15;
    private final GuestMemory memory;
    private final Capstone capstone;
    private final Map<Long, Cached> cache = new HashMap<>(); // looked up only, never iterated
    private long calls, misses;

    private record Cached(byte[] bytes, String text) {}

    /** @throws IntrospectionException when libcapstone cannot be loaded */
    public Disassembler(GuestMemory memory) {
        this.memory = memory;
        try {
            this.capstone = new Capstone(Capstone.CS_ARCH_X86, Capstone.CS_MODE_32);
        } catch (LinkageError e) {
            throw new IntrospectionException("cannot load libcapstone for disassembly (install libcapstone4): " + e.getMessage());
        }
    }

    /** The instruction at {@code eip} in the address space {@code cr3}: {@code "mov eax, dword ptr [ebp - 8]"}, or {@code "(unmapped)"}. */
    public String at(int cr3, int eip) {
        calls++;
        long pa = memory.translate(cr3, eip);
        if (pa < 0) return "(unmapped)";
        long key = pa << 32 | Integer.toUnsignedLong(eip); // the text depends on eip too (relative branch targets)
        Cached c = cache.get(key);
        if (c != null && matches(cr3, eip, c.bytes)) return c.text;
        misses++;
        byte[] code = memory.virtualBytes(cr3, eip, MAX_LENGTH);
        Capstone.CsInsn[] insns = capstone.disasm(code, Integer.toUnsignedLong(eip), 1);
        String text;
        byte[] used;
        if (insns.length == 0) {
            text = "(bad) " + String.format("%02x", code[0]);
            used = Arrays.copyOf(code, 1);
        } else {
            text = insns[0].opStr.isEmpty() ? insns[0].mnemonic : insns[0].mnemonic + " " + insns[0].opStr;
            used = Arrays.copyOf(code, insns[0].size);
        }
        cache.put(key, new Cached(used, text));
        return text;
    }

    private boolean matches(int cr3, int eip, byte[] bytes) {
        byte[] now = memory.virtualBytes(cr3, eip, bytes.length);
        return now != null && Arrays.equals(now, bytes);
    }

    /** Lookups so far. */
    public long calls() { return calls; }

    /** Lookups that called capstone. */
    public long misses() { return misses; }

    @Override
    public void close() {
        capstone.close();
    }
}
