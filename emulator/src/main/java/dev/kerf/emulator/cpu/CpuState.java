package dev.kerf.emulator.cpu;

import dev.kerf.emulator.cpu.fpu.FpuState;
import java.util.Arrays;

/**
 * Everything a {@link Cpu} needs to resume exactly where it was captured: the architectural
 * registers (EFLAGS with the lazy flags materialised; segment, LDTR and TR registers with their
 * hidden descriptor caches; GDTR/IDTR, CR0/2/3/4, DR0-7, CPL, the x87 FPU) and the emulator state that
 * changes what the next instructions do (icount, halted, the STI/MOV SS interrupt shadow, the
 * faults delivered since the last retired instruction).
 *
 * <p>Not captured, because {@link #restore} rebuilds it: the MMU's TLB and the executor's
 * caches (flushed), the INTR poll flag (set; the run loop polls on entry anyway). RAM is not
 * part of this value (the checkpoint stores it by page). The arrays are copies on the way in and
 * out, so a value never changes after capture.
 *
 * @param reg       EAX..EDI
 * @param segments  ES CS SS DS FS GS, LDTR, TR: four ints each (selector, base, limit, access)
 * @param tables    GDTR base, GDTR limit, IDTR base, IDTR limit
 * @param control   CR0, CR2, CR3, CR4
 * @param dr        DR0..DR7
 * @param fpu       the x87 state as its 108-byte 32-bit FNSAVE image ({@link FpuState#image()})
 */
public record CpuState(int[] reg, int eip, int eflags, int[] segments, int[] tables, int[] control, int cpl,
                       int[] dr, byte[] fpu, long icount, boolean halted, boolean shadow, int faultsSinceRetire) {
    public static final int SEGMENT_INTS = 8 * 4;

    /** A state whose x87 is as after FNINIT (machines built from scratch: loaders, tests). */
    public CpuState(int[] reg, int eip, int eflags, int[] segments, int[] tables, int[] control, int cpl,
                    int[] dr, long icount, boolean halted, boolean shadow, int faultsSinceRetire) {
        this(reg, eip, eflags, segments, tables, control, cpl, dr, new FpuState().image(), icount, halted, shadow,
                faultsSinceRetire);
    }

    public CpuState {
        check(reg, 8, "reg");
        check(segments, SEGMENT_INTS, "segments");
        check(tables, 4, "tables");
        check(control, 4, "control");
        check(dr, 8, "dr");
        if (fpu.length != FpuState.IMAGE_BYTES)
            throw new IllegalArgumentException("fpu must hold " + FpuState.IMAGE_BYTES + " bytes, not " + fpu.length);
        if (cpl < 0 || cpl > 3) throw new IllegalArgumentException("CPL " + cpl);
        if (icount < 0 || faultsSinceRetire < 0) throw new IllegalArgumentException("negative icount or fault count");
        reg = reg.clone();
        segments = segments.clone();
        tables = tables.clone();
        control = control.clone();
        dr = dr.clone();
        fpu = fpu.clone();
    }

    private static void check(int[] a, int n, String what) {
        if (a.length != n) throw new IllegalArgumentException(what + " must hold " + n + " ints, not " + a.length);
    }

    /** The state of {@code cpu} now (between {@code run()} calls). */
    public static CpuState capture(Cpu cpu) {
        int[] segments = new int[SEGMENT_INTS];
        for (int i = 0; i < 6; i++) put(segments, i, cpu.seg[i]);
        put(segments, 6, cpu.ldtr);
        put(segments, 7, cpu.tr);
        return new CpuState(cpu.reg, cpu.eip, cpu.getEflags(), segments,
                new int[] {cpu.gdtBase, cpu.gdtLimit, cpu.idtBase, cpu.idtLimit},
                new int[] {cpu.cr0, cpu.cr2, cpu.cr3, cpu.cr4}, cpu.cpl, cpu.dr, cpu.fpu.image(), cpu.icount, cpu.halted, cpu.shadow,
                cpu.faultsSinceRetire());
    }

    private static void put(int[] to, int i, SegmentCache s) {
        to[4 * i] = s.selector;
        to[4 * i + 1] = s.base;
        to[4 * i + 2] = s.limit;
        to[4 * i + 3] = s.access;
    }

    /**
     * Puts this state into {@code cpu} (whose RAM the caller restores separately) and drops every
     * cache that depends on the old state: the MMU's TLB and the executor's fetch page, data
     * micro-TLB and saved flags. Exact for guests that invalidate the TLB after editing live page
     * tables, as OSes do (see {@code Mmu}'s class comment).
     */
    public void restore(Cpu cpu) {
        System.arraycopy(reg, 0, cpu.reg, 0, 8);
        cpu.eip = eip;
        cpu.setEflags(eflags);
        for (int i = 0; i < 6; i++) set(cpu.seg[i], i);
        set(cpu.ldtr, 6);
        set(cpu.tr, 7);
        cpu.gdtBase = tables[0];
        cpu.gdtLimit = tables[1];
        cpu.idtBase = tables[2];
        cpu.idtLimit = tables[3];
        cpu.cr0 = control[0];
        cpu.cr2 = control[1];
        cpu.cr3 = control[2];
        cpu.cr4 = control[3];
        System.arraycopy(dr, 0, cpu.dr, 0, 8);
        cpu.fpu.setImage(fpu);
        cpu.icount = icount;
        cpu.halted = halted;
        cpu.shadow = shadow;
        cpu.tripleFault = false;
        cpu.pollIrq = true;
        cpu.restoreFaultsSinceRetire(faultsSinceRetire);
        cpu.setCpl(cpl);
        cpu.mmu.setControl(cpu.cr0, cpu.cr3, cpu.cr4);
        cpu.exec.resetCaches();
    }

    private void set(SegmentCache s, int i) {
        s.set(segments[4 * i], segments[4 * i + 1], segments[4 * i + 2], segments[4 * i + 3]);
    }

    @Override public int[] reg() { return reg.clone(); }
    @Override public int[] segments() { return segments.clone(); }
    @Override public int[] tables() { return tables.clone(); }
    @Override public int[] control() { return control.clone(); }
    @Override public int[] dr() { return dr.clone(); }
    @Override public byte[] fpu() { return fpu.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuState s && Arrays.equals(s.reg, reg) && s.eip == eip && s.eflags == eflags
                && Arrays.equals(s.segments, segments) && Arrays.equals(s.tables, tables) && Arrays.equals(s.control, control)
                && s.cpl == cpl && Arrays.equals(s.dr, dr) && Arrays.equals(s.fpu, fpu) && s.icount == icount && s.halted == halted && s.shadow == shadow
                && s.faultsSinceRetire == faultsSinceRetire;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(reg) * 31 + eip * 17 + Long.hashCode(icount);
    }

    @Override
    public String toString() {
        return String.format("CpuState[icount=%d eip=%08x eflags=%08x cpl=%d cr3=%08x halted=%b shadow=%b faults=%d reg=%s]",
                icount, eip, eflags, cpl, control[2], halted, shadow, faultsSinceRetire, Arrays.toString(reg));
    }
}
