package dev.kerf.emulator.cpu;

/**
 * Delivers exceptions, external interrupts and INT n through the IDT (interrupt and trap gates,
 * privilege change through TSS.esp0/ss0), escalates to #DF and triple fault, and executes IRET.
 *
 * <p>The run loop calls {@link #deliverFault(Cpu, CpuFault)} for a caught {@link CpuFault} (it
 * sets CR2 for #PF), and {@link #deliver} for external interrupts (EXTERNAL, no error code) and
 * INT n / INT3 / INTO (SOFTWARE, no error code, EIP = next instruction).
 *
 * <p>A fault while delivering a SOFTWARE interrupt (gate DPL &lt; CPL, gate not present, bad
 * TSS stack, #PF on the handler's stack...) is a fault of the INT instruction itself: it is
 * thrown, with the CPU state untouched, so the run loop rewinds EIP to the INT instruction and
 * delivers it like any other fault (the saved EIP must be the INT, not the next instruction).
 *
 * <p>Double faults (Intel SDM vol. 3, table 6-5): a fault raised while delivering an event is
 * delivered in its place, except that contributory-after-contributory (#DE #TS #NP #SS #GP) and
 * contributory-or-#PF-after-#PF become #DF (error code 0); any fault while delivering #DF is a
 * triple fault, reported by returning false. External interrupts and INT n count as benign.
 *
 * <p>Not supported: task gates and task switches (#GP), virtual-8086 mode (an IRET at CPL 0
 * popping EFLAGS.VM = 1 raises #GP(0) instead of entering it), IRET with NT = 1 (nested task
 * return: #GP(0)).
 */
public final class InterruptDelivery {
    /** Source of an event: decides error-code pushing, the DPL check and EIP saved. */
    public static final int EXCEPTION = 0, EXTERNAL = 1, SOFTWARE = 2;

    /** Faults during delivery form a chain of at most #PF → #PF → #DF → triple; this bounds it. */
    private static final int MAX_NESTING = 8;

    private InterruptDelivery() {}

    /**
     * Delivers {@code vector}. For EXCEPTION, {@code cpu.eip} is the faulting instruction's address
     * (faults) or the next one (traps: #BP/#OF from INT3/INTO, #DB) as the caller decided; for
     * SOFTWARE (INT n, INT3, INTO) it is the next instruction and the gate DPL is checked against
     * CPL. Returns false if this escalated to a triple fault (the machine must stop). Clears
     * {@code cpu.halted} on success.
     *
     * @throws CpuFault for SOFTWARE only: a fault raised while delivering, for the run loop to
     *     deliver as a fault of the INT instruction (the CPU state is unchanged)
     */
    public static boolean deliver(Cpu cpu, int vector, int source, boolean hasErrorCode, int errorCode) {
        int v = vector;
        int src = source;
        boolean withCode = hasErrorCode;
        int code = errorCode;
        for (int nesting = 0; nesting < MAX_NESTING; nesting++) {
            try {
                HookCalls.interrupt(cpu, v, src, withCode, code);
                InterruptEntry.enter(cpu, v, src, withCode, code);
                cpu.halted = false;
                return true;
            } catch (CpuFault f) {
                if (src == SOFTWARE) throw f;
                if (v == Vectors.DF) return false;
                if (f.vector == Vectors.PF) cpu.cr2 = f.address;
                if (src == EXCEPTION && becomesDoubleFault(v, f.vector)) {
                    v = Vectors.DF;
                    withCode = true;
                    code = 0;
                } else {
                    v = f.vector;
                    withCode = f.hasErrorCode;
                    code = f.errorCode;
                }
                src = EXCEPTION;
            }
        }
        return false;
    }

    /**
     * Delivers a fault caught by the run loop ({@code cpu.eip} already rewound to the faulting
     * instruction): sets CR2 for #PF, then delivers as an EXCEPTION with the fault's error code.
     * Returns false on a triple fault.
     */
    public static boolean deliverFault(Cpu cpu, CpuFault fault) {
        if (fault.vector == Vectors.PF) cpu.cr2 = fault.address;
        return deliver(cpu, fault.vector, EXCEPTION, fault.hasErrorCode, fault.errorCode);
    }

    /** IRET/IRETD, including the return to an outer privilege level. */
    public static void iret(Cpu cpu, boolean operand32) {
        InterruptReturn.iret(cpu, operand32);
    }

    static boolean isContributory(int vector) {
        return vector == Vectors.DE || vector == Vectors.TS || vector == Vectors.NP
                || vector == Vectors.SS || vector == Vectors.GP;
    }

    static boolean becomesDoubleFault(int first, int second) {
        if (isContributory(first)) return isContributory(second);
        if (first == Vectors.PF) return isContributory(second) || second == Vectors.PF;
        return false;
    }
}
