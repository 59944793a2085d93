package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.DescriptorTable.dpl;
import static dev.kerf.emulator.cpu.DescriptorTable.isCode;
import static dev.kerf.emulator.cpu.DescriptorTable.isConformingCode;
import static dev.kerf.emulator.cpu.DescriptorTable.isReadable;
import static dev.kerf.emulator.cpu.DescriptorTable.isWritableData;
import static dev.kerf.emulator.cpu.DescriptorTable.present;

/**
 * Loads segment registers from the GDT/LDT with the protected-mode checks (#GP/#NP/#SS with the
 * selector as error code, RPL bits cleared), and the far control transfers that load CS.
 *
 * <p>Every method checks everything and does every memory access (descriptor reads, accessed
 * bits, stack pushes and pops) before it changes a register, so a fault leaves the CPU as it was
 * before the instruction. Loads set the descriptor's accessed bit in memory.
 *
 * <p>Not supported (each raises #GP(selector), the same fault a CPU without the feature would
 * give an OS that probes it): far JMP/CALL through call gates, task gates or TSS descriptors
 * (task switches). Far transfers reach code segments at the current privilege only (conforming
 * code may have DPL &lt; CPL); the only privilege change here is RETF to an outer level.
 *
 * <p>With CR0.PE clear (real mode) the loads only set base = selector × 16; nothing in the
 * machine runs real-mode code yet, so this is just enough to be consistent.
 */
public final class SegmentLoader {
    private SegmentLoader() {}

    /** MOV Sreg / POP Sreg / LDS...: loads {@code cpu.seg[segIndex]} (not CS: that is #UD). */
    public static void load(Cpu cpu, int segIndex, int selector) {
        if (segIndex < 0 || segIndex > Cpu.GS || segIndex == Cpu.CS) throw CpuFault.of(Vectors.UD);
        int sel = selector & 0xFFFF;
        SegmentCache cache = cpu.seg[segIndex];
        if ((cpu.cr0 & 1) == 0) {
            cache.set(sel, sel << 4, cache.limit, cache.access);
        } else if (segIndex == Cpu.SS) {
            cache.copyFrom(checkedStack(cpu, sel, cpu.cpl));
        } else {
            loadData(cpu, cache, sel);
        }
    }

    /** JMP ptr16:32 / JMP m16:32 to a code segment (same privilege). */
    public static void farJump(Cpu cpu, int selector, int offset, boolean operand32) {
        int sel = selector & 0xFFFF;
        int eip = operand32 ? offset : offset & 0xFFFF;
        if ((cpu.cr0 & 1) == 0) {
            realModeCs(cpu, sel);
            cpu.eip = eip;
            return;
        }
        SegmentCache cs = checkedSameLevelCode(cpu, sel);
        checkOffset(cs, eip);
        cpu.seg[Cpu.CS].copyFrom(cs);
        cpu.eip = eip;
    }

    /** CALL ptr16:32 / CALL m16:32: pushes CS:EIP (cpu.eip = return address) and loads CS:EIP. */
    public static void farCall(Cpu cpu, int selector, int offset, boolean operand32) {
        int sel = selector & 0xFFFF;
        int eip = operand32 ? offset : offset & 0xFFFF;
        int size = operand32 ? 4 : 2;
        StackCursor stack = StackCursor.current(cpu);
        SegmentCache cs = null;
        if ((cpu.cr0 & 1) != 0) {
            cs = checkedSameLevelCode(cpu, sel);
            checkOffset(cs, eip);
        }
        // A 32-bit push of CS stores the selector zero-extended, as QEMU does.
        stack.push(size, cpu.seg[Cpu.CS].selector);
        stack.push(size, cpu.eip);
        if (cs == null) realModeCs(cpu, sel); else cpu.seg[Cpu.CS].copyFrom(cs);
        cpu.eip = eip;
        cpu.reg[Cpu.ESP] = stack.esp;
    }

    /** RETF [imm16], including the return to an outer privilege level. */
    public static void farReturn(Cpu cpu, boolean operand32, int popBytes) {
        int size = operand32 ? 4 : 2;
        StackCursor stack = StackCursor.current(cpu);
        int eip = stack.pop(size);
        int sel = stack.pop(size) & 0xFFFF;
        stack.skip(popBytes);
        if ((cpu.cr0 & 1) == 0) {
            realModeCs(cpu, sel);
            cpu.eip = eip;
            cpu.reg[Cpu.ESP] = stack.esp;
            return;
        }
        SegmentCache cs = checkedReturnCode(cpu, sel);
        int rpl = sel & 3;
        if (rpl == cpu.cpl) {
            checkOffset(cs, eip);
            cpu.seg[Cpu.CS].copyFrom(cs);
            cpu.eip = eip;
            cpu.reg[Cpu.ESP] = stack.esp;
            return;
        }
        int newEsp = stack.pop(size);
        int ssSel = stack.pop(size) & 0xFFFF;
        SegmentCache ss = checkedStack(cpu, ssSel, rpl);
        checkOffset(cs, eip);
        int esp = ss.big() ? newEsp + popBytes : (cpu.reg[Cpu.ESP] & 0xFFFF0000) | ((newEsp + popBytes) & 0xFFFF);
        commitOuterReturn(cpu, cs, eip, ss, esp);
    }

    // ---- shared with IRET and interrupt delivery ----

    /**
     * The code segment a RETF/IRET returns to: RPL ≥ CPL, non-conforming DPL = RPL or conforming
     * DPL ≤ RPL, present. Returned as an uncommitted cache with the popped selector.
     */
    static SegmentCache checkedReturnCode(Cpu cpu, int sel) {
        if ((sel & 0xFFFC) == 0) throw CpuFault.withCode(Vectors.GP, 0);
        int at = DescriptorTable.locateOrFault(cpu, sel, Vectors.GP, 0);
        long d = DescriptorTable.read(cpu, at);
        int access = DescriptorTable.access(d);
        int rpl = sel & 3;
        if (!isCode(access) || rpl < cpu.cpl
                || (isConformingCode(access) ? dpl(access) > rpl : dpl(access) != rpl)) {
            throw CpuFault.withCode(Vectors.GP, sel & 0xFFFC);
        }
        if (!present(access)) throw CpuFault.withCode(Vectors.NP, sel & 0xFFFC);
        access = DescriptorTable.markAccessed(cpu, at, d);
        SegmentCache cache = new SegmentCache();
        DescriptorTable.fill(cache, sel, d, access);
        return cache;
    }

    /**
     * A stack segment for privilege level {@code level}: not null (#GP(0)), RPL = DPL = level,
     * writable data (#GP(sel)), present (#SS(sel)). Returned uncommitted.
     */
    static SegmentCache checkedStack(Cpu cpu, int sel, int level) {
        if ((sel & 0xFFFC) == 0) throw CpuFault.withCode(Vectors.GP, 0);
        int at = DescriptorTable.locateOrFault(cpu, sel, Vectors.GP, 0);
        long d = DescriptorTable.read(cpu, at);
        int access = DescriptorTable.access(d);
        if ((sel & 3) != level || !isWritableData(access) || dpl(access) != level) {
            throw CpuFault.withCode(Vectors.GP, sel & 0xFFFC);
        }
        if (!present(access)) throw CpuFault.withCode(Vectors.SS, sel & 0xFFFC);
        access = DescriptorTable.markAccessed(cpu, at, d);
        SegmentCache cache = new SegmentCache();
        DescriptorTable.fill(cache, sel, d, access);
        return cache;
    }

    /**
     * Commits a return to the outer level {@code cs.selector & 3}: CS:EIP, SS:ESP, CPL; then
     * nulls ES/DS/FS/GS that hold data or non-conforming code more privileged than the new CPL,
     * so ring 3 cannot keep using a kernel segment.
     */
    static void commitOuterReturn(Cpu cpu, SegmentCache cs, int eip, SegmentCache ss, int esp) {
        cpu.seg[Cpu.CS].copyFrom(cs);
        cpu.seg[Cpu.SS].copyFrom(ss);
        cpu.reg[Cpu.ESP] = esp;
        cpu.eip = eip;
        int oldCpl = cpu.cpl;
        cpu.setCpl(cs.selector & 3);
        for (int i : new int[] {Cpu.ES, Cpu.DS, Cpu.FS, Cpu.GS}) {
            SegmentCache seg = cpu.seg[i];
            if ((seg.selector & 0xFFFC) != 0 && !isConformingCode(seg.access) && dpl(seg.access) < cpu.cpl) {
                seg.set(0, 0, 0, 0);
            }
        }
        HookCalls.privilege(cpu, oldCpl);
    }

    /** #GP(0) when {@code eip} lies beyond the code segment's limit. */
    static void checkOffset(SegmentCache cs, int eip) {
        if (Integer.compareUnsigned(eip, cs.limit) > 0) throw CpuFault.withCode(Vectors.GP, 0);
    }

    // ---- private ----

    private static void loadData(Cpu cpu, SegmentCache cache, int sel) {
        if ((sel & 0xFFFC) == 0) {
            // A null selector loads fine; the cache is marked not present (access 0).
            cache.set(sel, 0, 0, 0);
            return;
        }
        int at = DescriptorTable.locateOrFault(cpu, sel, Vectors.GP, 0);
        long d = DescriptorTable.read(cpu, at);
        int access = DescriptorTable.access(d);
        if (!isReadable(access)
                || (!isConformingCode(access) && ((sel & 3) > dpl(access) || cpu.cpl > dpl(access)))) {
            throw CpuFault.withCode(Vectors.GP, sel & 0xFFFC);
        }
        if (!present(access)) throw CpuFault.withCode(Vectors.NP, sel & 0xFFFC);
        access = DescriptorTable.markAccessed(cpu, at, d);
        DescriptorTable.fill(cache, sel, d, access);
    }

    /**
     * The target of a far JMP/CALL: a code segment reachable without a privilege change
     * (conforming with DPL ≤ CPL, or non-conforming with DPL = CPL and RPL ≤ CPL). The loaded
     * selector's RPL becomes CPL. System descriptors (gates, TSS) are #GP(sel): unsupported.
     */
    private static SegmentCache checkedSameLevelCode(Cpu cpu, int sel) {
        if ((sel & 0xFFFC) == 0) throw CpuFault.withCode(Vectors.GP, 0);
        int at = DescriptorTable.locateOrFault(cpu, sel, Vectors.GP, 0);
        long d = DescriptorTable.read(cpu, at);
        int access = DescriptorTable.access(d);
        boolean allowed = isConformingCode(access)
                ? dpl(access) <= cpu.cpl
                : isCode(access) && (sel & 3) <= cpu.cpl && dpl(access) == cpu.cpl;
        if (!allowed) throw CpuFault.withCode(Vectors.GP, sel & 0xFFFC);
        if (!present(access)) throw CpuFault.withCode(Vectors.NP, sel & 0xFFFC);
        access = DescriptorTable.markAccessed(cpu, at, d);
        SegmentCache cache = new SegmentCache();
        DescriptorTable.fill(cache, (sel & 0xFFFC) | cpu.cpl, d, access);
        return cache;
    }

    private static void realModeCs(Cpu cpu, int sel) {
        SegmentCache cs = cpu.seg[Cpu.CS];
        cs.set(sel, sel << 4, cs.limit, cs.access);
    }
}
