package dev.kerf.emulator.disasm;

import capstone.Capstone;
import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.decode.InstructionLength;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Instruction text for traces, through capstone (design §10: ~4 µs per call through JNA, so
 * never on the execution path). Results are cached by linear address and checked against the
 * instruction's bytes, so code that changes or another process's code at the same address is
 * disassembled afresh. Not thread-safe: one per trace. The cache is only looked up, never
 * iterated, so its order cannot leak into output.
 *
 * <p>Without libcapstone (Debian package libcapstone4) it still works: {@link #unavailable()} says
 * why in one line and each instruction is shown as its bytes, {@code (bytes) 8b 01}, the length
 * from kerf's own decoder.
 */
public final class Disassembler implements AutoCloseable {
    /** The longest x86 instruction. */
    private static final int MAX_LENGTH = 15;

    private record Entry(byte[] bytes, String text) {}

    /** Null when libcapstone could not be loaded. */
    private final Capstone capstone;
    private final String unavailable;
    private final Map<Integer, Entry> cache = new HashMap<>();
    private final byte[] window = new byte[MAX_LENGTH];
    private long calls, hits;

    private Disassembler(Capstone capstone, String unavailable) {
        this.capstone = capstone;
        this.unavailable = unavailable;
    }

    /** Capstone's disassembler, or (libcapstone missing) one that shows bytes: see {@link #unavailable()}. */
    public static Disassembler open() {
        try {
            return new Disassembler(new Capstone(Capstone.CS_ARCH_X86, Capstone.CS_MODE_32), null);
        } catch (LinkageError e) {
            return bytesOnly("instruction text needs libcapstone, which cannot be loaded (apt-get install"
                    + " libcapstone4): showing instruction bytes instead");
        }
    }

    /** The disassembler used when capstone is missing: bytes only, {@code why} as {@link #unavailable()}. */
    static Disassembler bytesOnly(String why) {
        return new Disassembler(null, why);
    }

    /** Null when instructions are disassembled; else, in one line, why only their bytes are shown. */
    public String unavailable() {
        return unavailable;
    }

    /**
     * The instruction at {@code cpu.eip} (CS base applied) as {@code "mnemonic operands"}; reads
     * the bytes through the current page tables without side effects.
     */
    public String at(Cpu cpu) {
        int linear = cpu.seg[Cpu.CS].base + cpu.eip;
        int n = 0;
        for (; n < MAX_LENGTH; n++) {
            long pa = cpu.mmu.probe(linear + n);
            if (pa < 0 || !cpu.memory.contains(pa, 1)) break;
            window[n] = (byte) cpu.memory.read8((int) pa);
        }
        if (n == 0) return "(unmapped)";
        return text(cpu.eip, window, n);
    }

    /** Disassembles the instruction at the start of {@code code[0..length)}, which sits at {@code address}. */
    public String text(int address, byte[] code, int length) {
        calls++;
        int len = Math.min(length, instructionLength(code, length));
        Entry e = cache.get(address);
        if (e != null && e.bytes.length == len && Arrays.equals(e.bytes, 0, len, code, 0, len)) {
            hits++;
            return e.text;
        }
        byte[] bytes = Arrays.copyOf(code, len);
        String text;
        if (capstone == null) {
            text = "(bytes) " + HexFormat.ofDelimiter(" ").formatHex(bytes);
        } else {
            Capstone.CsInsn[] insns = capstone.disasm(bytes, Integer.toUnsignedLong(address), 1);
            text = insns.length == 0 ? "(bad) " + HexFormat.ofDelimiter(" ").formatHex(bytes)
                    : (insns[0].mnemonic + " " + insns[0].opStr).strip();
        }
        cache.put(address, new Entry(bytes, text));
        return text;
    }

    /** Calls answered from the cache / all calls: how much capstone the cache saved. */
    public long cacheHits() { return hits; }

    public long calls() { return calls; }

    private static int instructionLength(byte[] code, int length) {
        byte[] padded = length >= MAX_LENGTH ? code : Arrays.copyOf(code, MAX_LENGTH);
        int len = InstructionLength.of(padded, 0);
        return len <= 0 ? length : len; // kerf does not know it: let capstone see every byte we have
    }

    @Override
    public void close() {
        if (capstone != null) capstone.close();
    }
}
