package dev.kerf.emulator.cpu.fpu;

import dev.kerf.emulator.cpu.fpu.F80.Kind;

/**
 * The x87 register file and its control state: eight 80-bit registers addressed relative to TOP,
 * an empty/full bit per physical register (the full two-bit tags FSTENV/FSAVE report are derived
 * from contents), the control and status words, the last instruction and operand pointers and
 * opcode, and the FSAVE/FRSTOR/FNSTENV/FLDENV memory images (32-bit protected-mode layout: 28-byte
 * environment, 108-byte save area; the 16-bit layout: 14 and 94 bytes).
 */
public final class FpuState {
    public static final int SF = 0x40, ES = 0x80, C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000, B = 0x8000;
    public static final int CONDITION = C0 | C1 | C2 | C3;
    public static final int TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3;

    private final F80[] regs = new F80[8]; // physical order
    private int full; // bit i: physical register i holds a value
    private int top;
    public int cw;
    private int sw; // without TOP (bits 11-13 kept zero)
    public int fip, fcs, fdp, fds, fop;

    public FpuState() {
        init();
        for (int i = 0; i < 8; i++) regs[i] = F80.POS_ZERO;
    }

    /** FNINIT: registers keep their contents but are all tagged empty. */
    public void init() {
        cw = 0x037F;
        sw = 0;
        full = 0;
        top = 0;
        fip = fcs = fdp = fds = fop = 0;
    }

    /** Makes this state an exact copy of {@code o} (the CPU's undo copy for faulting stores). */
    public void copyFrom(FpuState o) {
        System.arraycopy(o.regs, 0, regs, 0, 8);
        full = o.full;
        top = o.top;
        cw = o.cw;
        sw = o.sw;
        fip = o.fip;
        fcs = o.fcs;
        fdp = o.fdp;
        fds = o.fds;
        fop = o.fop;
    }

    /** The eight registers in physical order (for snapshots and state hashes). */
    public F80 physical(int p) {
        return regs[p];
    }

    /** Puts a register by physical number without touching its empty bit. */
    public void setPhysical(int p, F80 v) {
        regs[p] = v;
    }

    /** Bit p set: physical register p holds a value. */
    public int fullMask() {
        return full;
    }

    public void setFullMask(int m) {
        full = m & 0xFF;
    }

    public int top() {
        return top;
    }

    public int phys(int i) {
        return (top + i) & 7;
    }

    public boolean isEmpty(int i) {
        return (full >> phys(i) & 1) == 0;
    }

    public F80 st(int i) {
        return regs[phys(i)];
    }

    public void set(int i, F80 v) {
        regs[phys(i)] = v;
        full |= 1 << phys(i);
    }

    public void free(int i) {
        full &= ~(1 << phys(i));
    }

    public void push(F80 v) {
        top = (top - 1) & 7;
        set(0, v);
    }

    public void pop() {
        free(0);
        top = (top + 1) & 7;
    }

    public int statusWord() {
        return (sw & ~0x3800) | top << 11;
    }

    public void setStatusWord(int v) {
        top = v >> 11 & 7;
        sw = v & 0xC7FF;
    }

    /**
     * FLDCW, FLDENV, FRSTOR: the control word as the hardware keeps it. Bits 13-15 are reserved
     * and read as 0, bit 6 reads as 1 (the host oracle of examples/x87test: FLDCW 0xFFFF then
     * FNSTCW gives 0x1F7F, FLDCW 0 gives 0x0040).
     */
    public void setControlWord(int v) {
        cw = v & 0x1F3F | 0x40;
        updateSummary();
    }

    public FpuContext context() {
        return new FpuContext(cw);
    }

    /** Condition codes C3,C2,C0 from three bits (C3 in bit 2), C1 from a boolean; others kept. */
    public void setConditions(int c320, boolean c1) {
        sw &= ~CONDITION;
        if ((c320 & 4) != 0) sw |= C3;
        if ((c320 & 2) != 0) sw |= C2;
        if ((c320 & 1) != 0) sw |= C0;
        if (c1) sw |= C1;
    }

    /** Merges one step's exception flags and C1 into the status word (C0, C2, C3 untouched). */
    public void finish(FpuContext c) {
        sw = (sw & ~C1) | (c.c1 ? C1 : 0) | c.flags;
        updateSummary();
    }

    /** Like {@link #finish} but leaves C1 as it is (instructions that leave C1 undefined keep it). */
    public void raise(int flags) {
        sw |= flags;
        updateSummary();
    }

    public void updateSummary() {
        if ((sw & ~cw & 0x3F) != 0) sw |= ES | B;
        else sw &= ~(ES | B);
    }

    /** Stack underflow (reading an empty register) or overflow (pushing onto a full one). */
    public void stackFault(boolean overflow) {
        sw = (sw & ~C1) | FpuContext.IE | SF | (overflow ? C1 : 0);
        updateSummary();
    }

    /**
     * The stack fault of an instruction that replaces ST(0) and pushes a second result (FXTRACT,
     * FSINCOS, FPTAN): masked, both results are the indefinite.
     */
    public void stackFaultOfTwoResults(boolean overflow) {
        stackFault(overflow);
        if (!unmasked(FpuContext.IE)) {
            set(0, F80.INDEFINITE);
            push(F80.INDEFINITE);
        }
    }

    public boolean unmasked(int flag) {
        return (cw & flag) == 0;
    }

    public static int tagOf(F80 v) {
        Kind k = v.kind();
        if (k == Kind.ZERO) return TAG_ZERO;
        if (k == Kind.NORMAL) return TAG_VALID;
        return TAG_SPECIAL;
    }

    /** The full tag word, two bits per physical register. */
    public int tagWord() {
        int tw = 0;
        for (int p = 0; p < 8; p++) {
            int t = (full >> p & 1) == 0 ? TAG_EMPTY : tagOf(regs[p]);
            tw |= t << (2 * p);
        }
        return tw;
    }

    /** Loads a full tag word: any tag other than 11 makes the register full. */
    public void setTagWord(int tw) {
        full = 0;
        for (int p = 0; p < 8; p++) if ((tw >> (2 * p) & 3) != TAG_EMPTY) full |= 1 << p;
    }

    /** FXAM's empty check needs the physical-register bit, not the derived tag. */
    public int examine() {
        if (isEmpty(0)) return 0b101;
        return Float80.examine(st(0));
    }

    public static int envSize(boolean size32) {
        return size32 ? 28 : 14;
    }

    public static int saveSize(boolean size32) {
        return envSize(size32) + 80;
    }

    /** FNSTENV: the environment image; reserved halves of the 32-bit form are written as 0xFFFF. */
    public void storeEnv(byte[] b, int off, boolean size32) {
        int[] words = {cw, statusWord(), tagWord(), fip, fcs & 0xFFFF | (fop & 0x7FF) << 16, fdp, fds & 0xFFFF};
        if (size32) {
            for (int i = 0; i < 7; i++) {
                int w = words[i];
                if (i == 0 || i == 1 || i == 2 || i == 6) w = w & 0xFFFF | 0xFFFF0000;
                putInt(b, off + 4 * i, w);
            }
        } else {
            int[] w16 = {cw, statusWord(), tagWord(), fip, fcs, fdp, fds};
            for (int i = 0; i < 7; i++) putShort(b, off + 2 * i, w16[i]);
        }
    }

    public void loadEnv(byte[] b, int off, boolean size32) {
        int stride = size32 ? 4 : 2;
        setControlWord(getShort(b, off));
        setStatusWord(getShort(b, off + stride));
        setTagWord(getShort(b, off + 2 * stride));
        if (size32) {
            fip = getInt(b, off + 12);
            int csop = getInt(b, off + 16);
            fcs = csop & 0xFFFF;
            fop = csop >>> 16 & 0x7FF;
            fdp = getInt(b, off + 20);
            fds = getShort(b, off + 24);
        } else {
            fip = getShort(b, off + 6);
            fcs = getShort(b, off + 8);
            fop = 0; // the 16-bit layout has no opcode field: the hardware clears it
            fdp = getShort(b, off + 10);
            fds = getShort(b, off + 12);
        }
        updateSummary();
    }

    /** FNSAVE: environment then ST(0)..ST(7) in stack order; then the FPU is initialized. */
    public void save(byte[] b, int off, boolean size32) {
        storeEnv(b, off, size32);
        int base = off + envSize(size32);
        for (int i = 0; i < 8; i++) st(i).store(b, base + 10 * i);
        init();
    }

    /** The size of {@link #image()}: the 32-bit FNSAVE layout. */
    public static final int IMAGE_BYTES = 108;

    /**
     * The whole state as the 32-bit FNSAVE image, without FNSAVE's re-initialization: every field
     * of this class survives {@link #setImage} exactly (snapshots, state hashes).
     */
    public byte[] image() {
        byte[] b = new byte[IMAGE_BYTES];
        storeEnv(b, 0, true);
        for (int i = 0; i < 8; i++) st(i).store(b, 28 + 10 * i);
        return b;
    }

    /** Puts back a state from {@link #image()} (FRSTOR of the 32-bit layout). */
    public void setImage(byte[] b) {
        if (b.length != IMAGE_BYTES) throw new IllegalArgumentException("x87 image of " + b.length + " bytes, not " + IMAGE_BYTES);
        restore(b, 0, true);
    }

    public void restore(byte[] b, int off, boolean size32) {
        loadEnv(b, off, size32);
        int base = off + envSize(size32);
        for (int i = 0; i < 8; i++) regs[phys(i)] = F80.load(b, base + 10 * i);
    }

    private static void putInt(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) b[off + i] = (byte) (v >>> (8 * i));
    }

    private static void putShort(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    private static int getShort(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    private static int getInt(byte[] b, int off) {
        return getShort(b, off) | getShort(b, off + 2) << 16;
    }
}
