package dev.kerf.emulator.cpu;

/**
 * Delivers exceptions, external interrupts and INT n through the IDT (interrupt and trap gates,
 * privilege change through TSS.esp0/ss0), escalates to #DF and triple fault, and executes IRET.
 *
 * <p>Placeholder signatures; the protected-mode work fills the bodies.
 */
public final class InterruptDelivery {
    /** Source of an event: decides error-code pushing, the DPL check and EIP saved. */
    public static final int EXCEPTION = 0, EXTERNAL = 1, SOFTWARE = 2;

    private InterruptDelivery() {}

    /**
     * Delivers {@code vector}. For EXCEPTION, {@code cpu.eip} is the faulting instruction's address
     * (faults) or the next one (traps: #BP/#OF from INT3/INTO, #DB) as the caller decided; for
     * SOFTWARE (INT n, INT3, INTO) it is the next instruction and the gate DPL is checked against
     * CPL. Returns false if this escalated to a triple fault (the machine must stop).
     */
    public static boolean deliver(Cpu cpu, int vector, int source, boolean hasErrorCode, int errorCode) {
        throw new UnsupportedOperationException("protected mode not written yet");
    }

    /** IRET/IRETD, including the return to an outer privilege level. */
    public static void iret(Cpu cpu, boolean operand32) {
        throw new UnsupportedOperationException("protected mode not written yet");
    }
}
