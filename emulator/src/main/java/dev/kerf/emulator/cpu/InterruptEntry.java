package dev.kerf.emulator.cpu;

import static dev.kerf.emulator.cpu.DescriptorTable.dpl;
import static dev.kerf.emulator.cpu.DescriptorTable.isCode;
import static dev.kerf.emulator.cpu.DescriptorTable.isConformingCode;
import static dev.kerf.emulator.cpu.DescriptorTable.isWritableData;
import static dev.kerf.emulator.cpu.DescriptorTable.present;

/**
 * One attempt to enter a handler through an IDT gate (Intel SDM vol. 2, INT n pseudocode,
 * protected mode without virtual-8086 mode). Faults raised here (#GP/#NP/#TS/#SS/#PF) propagate
 * to {@link InterruptDelivery}, which applies the double-fault rules.
 *
 * <p>Gates: 32-bit and 16-bit interrupt gates (clear IF) and trap gates (keep IF). Task gates are
 * not supported and raise #GP(vector·8+2+EXT). Error codes of faults raised while delivering an
 * external interrupt or an exception carry EXT (bit 0); those for INT n do not.
 *
 * <p>All checks, descriptor reads and stack pushes happen before any register changes.
 */
final class InterruptEntry {
    static final int TF = 0x100, IF = 0x200, NT = 0x4000, RF = 0x10000, VM = 0x20000;

    private static final int TASK_GATE = 0x5, INT16 = 0x6, TRAP16 = 0x7, INT32 = 0xE, TRAP32 = 0xF;

    private InterruptEntry() {}

    static void enter(Cpu cpu, int vector, int source, boolean hasErrorCode, int errorCode) {
        int ext = source == InterruptDelivery.SOFTWARE ? 0 : 1;
        int idtCode = (vector << 3) | 2 | ext;
        if (Integer.compareUnsigned((vector << 3) + 7, cpu.idtLimit) > 0) throw gp(idtCode);
        int lo = cpu.mmu.sysRead32(cpu.idtBase + (vector << 3));
        int hi = cpu.mmu.sysRead32(cpu.idtBase + (vector << 3) + 4);
        int type = (hi >>> 8) & 0x1F; // includes S, which must be 0 for a gate
        if (type != TASK_GATE && type != INT16 && type != TRAP16 && type != INT32 && type != TRAP32) {
            throw gp(idtCode);
        }
        if (source == InterruptDelivery.SOFTWARE && ((hi >>> 13) & 3) < cpu.cpl) throw gp(idtCode);
        if ((hi & 0x8000) == 0) throw CpuFault.withCode(Vectors.NP, idtCode);
        if (type == TASK_GATE) throw gp(idtCode); // task switches are not supported
        boolean gate32 = (type & 8) != 0;
        int selector = lo >>> 16;
        int offset = gate32 ? (hi & 0xFFFF0000) | (lo & 0xFFFF) : lo & 0xFFFF;

        SegmentCache cs = targetCode(cpu, selector, ext);
        if (Integer.compareUnsigned(offset, cs.limit) > 0) throw gp(ext);
        int oldFlags = cpu.getEflags();
        int oldCpl = cpu.cpl;
        int size = gate32 ? 4 : 2;
        int newCpl = !isConformingCode(cs.access) && cs.dpl() < cpu.cpl ? cs.dpl() : cpu.cpl;
        cs.selector = (selector & 0xFFFC) | newCpl;
        if (newCpl < cpu.cpl) {
            long stack = TaskStateSegment.innerStack(cpu, newCpl, ext);
            int ssSel = (int) (stack >>> 32) & 0xFFFF;
            SegmentCache ss = innerStackSegment(cpu, ssSel, newCpl, ext);
            StackCursor st = new StackCursor(cpu, ss.base, ss.limit, ss.access, (int) stack,
                    newCpl != 3, (ssSel & 0xFFFC) | ext);
            st.push(size, cpu.seg[Cpu.SS].selector);
            st.push(size, cpu.reg[Cpu.ESP]);
            pushFrame(cpu, st, size, oldFlags, hasErrorCode, errorCode);
            cpu.seg[Cpu.SS].copyFrom(ss);
            cpu.reg[Cpu.ESP] = st.esp;
            cpu.seg[Cpu.CS].copyFrom(cs);
            cpu.setCpl(newCpl);
        } else {
            SegmentCache ss = cpu.seg[Cpu.SS];
            StackCursor st = new StackCursor(cpu, ss.base, ss.limit, ss.access, cpu.reg[Cpu.ESP],
                    cpu.cpl != 3, ext);
            pushFrame(cpu, st, size, oldFlags, hasErrorCode, errorCode);
            cpu.reg[Cpu.ESP] = st.esp;
            cpu.seg[Cpu.CS].copyFrom(cs);
        }
        cpu.eip = offset;
        int flags = oldFlags & ~(TF | NT | RF | VM);
        if ((type & 1) == 0) flags &= ~IF;
        cpu.setEflags(flags);
        HookCalls.privilege(cpu, oldCpl);
    }

    private static void pushFrame(Cpu cpu, StackCursor st, int size, int flags, boolean hasErrorCode, int errorCode) {
        st.push(size, flags);
        st.push(size, cpu.seg[Cpu.CS].selector);
        st.push(size, cpu.eip);
        if (hasErrorCode) st.push(size, errorCode);
    }

    /** The gate's code segment: not null, a code segment with DPL ≤ CPL, present. */
    private static SegmentCache targetCode(Cpu cpu, int selector, int ext) {
        if ((selector & 0xFFFC) == 0) throw gp(ext);
        int at = DescriptorTable.locateOrFault(cpu, selector, Vectors.GP, ext);
        long d = DescriptorTable.read(cpu, at);
        int access = DescriptorTable.access(d);
        if (!isCode(access) || dpl(access) > cpu.cpl) throw gp((selector & 0xFFFC) | ext);
        if (!present(access)) throw CpuFault.withCode(Vectors.NP, (selector & 0xFFFC) | ext);
        access = DescriptorTable.markAccessed(cpu, at, d);
        SegmentCache cache = new SegmentCache();
        DescriptorTable.fill(cache, selector, d, access);
        return cache;
    }

    /** The TSS's stack segment for {@code level}: faults are #TS, except not present (#SS). */
    private static SegmentCache innerStackSegment(Cpu cpu, int ssSel, int level, int ext) {
        int code = (ssSel & 0xFFFC) | ext;
        if ((ssSel & 0xFFFC) == 0) throw CpuFault.withCode(Vectors.TS, ext);
        int at = DescriptorTable.locateOrFault(cpu, ssSel, Vectors.TS, ext);
        long d = DescriptorTable.read(cpu, at);
        int access = DescriptorTable.access(d);
        if ((ssSel & 3) != level || dpl(access) != level || !isWritableData(access)) {
            throw CpuFault.withCode(Vectors.TS, code);
        }
        if (!present(access)) throw CpuFault.withCode(Vectors.SS, code);
        access = DescriptorTable.markAccessed(cpu, at, d);
        SegmentCache cache = new SegmentCache();
        DescriptorTable.fill(cache, ssSel, d, access);
        return cache;
    }

    private static CpuFault gp(int code) {
        return CpuFault.withCode(Vectors.GP, code);
    }
}
