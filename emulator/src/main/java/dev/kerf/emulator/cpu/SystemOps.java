package dev.kerf.emulator.cpu;

/**
 * System instructions' semantics: descriptor-table registers, control registers, TLB control.
 * The executor decodes them, checks CPL 0 (raising #GP(0) otherwise) and calls these.
 *
 * <p>Placeholder signatures; the protected-mode work fills the bodies.
 */
public final class SystemOps {
    private SystemOps() {}

    public static void lgdt(Cpu cpu, int base, int limit) { cpu.gdtBase = base; cpu.gdtLimit = limit; }
    public static void lidt(Cpu cpu, int base, int limit) { cpu.idtBase = base; cpu.idtLimit = limit; }
    public static void lldt(Cpu cpu, int selector) { throw new UnsupportedOperationException("protected mode not written yet"); }
    public static void ltr(Cpu cpu, int selector) { throw new UnsupportedOperationException("protected mode not written yet"); }
    /** MOV CRn, r32 (n = 0, 2, 3, 4; others #UD). Keeps the MMU in step. */
    public static void writeCr(Cpu cpu, int n, int value) { throw new UnsupportedOperationException("protected mode not written yet"); }
    public static int readCr(Cpu cpu, int n) { throw new UnsupportedOperationException("protected mode not written yet"); }
    public static void invlpg(Cpu cpu, int linear) { cpu.mmu.invlpg(linear); }
    public static void clts(Cpu cpu) { cpu.cr0 &= ~8; }
}
