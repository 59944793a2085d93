package dev.kerf.emulator.cpu.fpu;

/**
 * The inputs and outputs of one x87 arithmetic step: the control word it runs under (rounding and
 * precision control, exception masks) and what it reports back (the exception flags it raised,
 * C1's round-up indication). {@link FpuState} merges these into the status word; keeping them
 * apart lets {@link Float80} be tested without any register state.
 */
public final class FpuContext {
    public static final int IE = 0x01, DE = 0x02, ZE = 0x04, OE = 0x08, UE = 0x10, PE = 0x20;
    public static final int RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3;

    public int cw;
    /** Exception flags raised by the current step (IE..PE bits as in the status word). */
    public int flags;
    /** C1 after the step: 1 when an inexact result was rounded up in magnitude. */
    public boolean c1;

    /**
     * Set by a single/double memory operand of an arithmetic instruction that was a denormal: its
     * DE is raised by the arithmetic's operand checks, in their priority order, not by the load.
     */
    public boolean denormalMemoryOperand;

    // scratch results of Float80.roundAt (one step at a time; never shared between machines)
    boolean inexact, up, carry;

    public FpuContext(int cw) {
        this.cw = cw;
    }

    public void begin() {
        flags = 0;
        c1 = false;
    }

    public int rc() {
        return cw >> 10 & 3;
    }

    /** The significand bits precision control keeps: 24, 53 or 64 (PC=01, reserved, acts as 64). */
    public int precision() {
        switch (cw >> 8 & 3) {
            case 0: return 24;
            case 2: return 53;
            default: return 64;
        }
    }

    public boolean masked(int flag) {
        return (cw & flag) != 0;
    }

    public void raise(int flag) {
        flags |= flag;
    }
}
