package dev.kerf.emulator.cpu.decode;

/**
 * The decoder's view of an encoding without executing it: used by the capstone cross-check and
 * by tools. Driven by the same opcode table as the executor's decoder.
 */
public final class InstructionLength {
    private InstructionLength() {}

    /**
     * Length in bytes of the instruction at {@code code[offset..]} in 32-bit code, or -1 if kerf
     * does not support the encoding (executing it raises #UD). Reads at most 15 bytes; bytes past
     * the end of the array count as missing (-1).
     */
    public static int of(byte[] code, int offset) {
        return -1; // placeholder until the decoder lands
    }
}
