package dev.kerf.emulator.cpu;

/**
 * Loads segment registers from the GDT/LDT with the protected-mode checks (#GP/#NP/#SS with the
 * selector as error code), and the far control transfers that load CS.
 *
 * <p>Placeholder signatures; the protected-mode work fills the bodies.
 */
public final class SegmentLoader {
    private SegmentLoader() {}

    /** MOV Sreg / POP Sreg / LDS...: loads {@code cpu.seg[segIndex]} (not CS). */
    public static void load(Cpu cpu, int segIndex, int selector) {
        throw new UnsupportedOperationException("protected mode not written yet");
    }

    /** JMP ptr16:32 / JMP m16:32 to a code segment (same privilege). */
    public static void farJump(Cpu cpu, int selector, int offset, boolean operand32) {
        throw new UnsupportedOperationException("protected mode not written yet");
    }

    /** CALL ptr16:32 / CALL m16:32: pushes CS:EIP (cpu.eip = return address) and loads CS:EIP. */
    public static void farCall(Cpu cpu, int selector, int offset, boolean operand32) {
        throw new UnsupportedOperationException("protected mode not written yet");
    }

    /** RETF [imm16], including the return to an outer privilege level. */
    public static void farReturn(Cpu cpu, boolean operand32, int popBytes) {
        throw new UnsupportedOperationException("protected mode not written yet");
    }
}
