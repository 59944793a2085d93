package dev.kerf.emulator.cpu;

import dev.kerf.emulator.cpu.fpu.F80;
import dev.kerf.emulator.cpu.fpu.FloatConvert;
import dev.kerf.emulator.cpu.fpu.FpuContext;
import dev.kerf.emulator.cpu.fpu.FpuState;
import dev.kerf.emulator.cpu.fpu.X87;
import dev.kerf.emulator.cpu.fpu.X87Transcendental;

/**
 * The x87 escape opcodes D8-DF and WAIT (9B): the instruction family that connects the decoded
 * instruction ({@link Executor}: ModRM, effective address, segment checks) to the x87 library in
 * {@code cpu.fpu}, which holds every semantic. Order of checks, as on hardware: CR0.EM or CR0.TS
 * → #NM; then, for a waiting instruction, a pending unmasked exception (status word ES) → #MF
 * when CR0.NE=1 (with NE=0 kerf has no FERR#/IRQ 13 wiring and behaves as if IGNNE# were
 * asserted: the instruction runs); then the instruction.
 *
 * <p>Fault before commit: memory operands are read before the FPU state changes; stores compute
 * their bytes first, check that every page of the destination is writable (a #PF there leaves
 * memory alone) and restore the FPU state if the write still faults. The last instruction
 * pointer (CS:EIP of the instruction, prefixes included), last operand pointer (segment
 * selector:offset, memory forms only) and the 11-bit opcode are recorded for every instruction
 * except the control ones (FNINIT, FNCLEX, FLDCW, FNSTCW, FNSTSW, FNSTENV, FLDENV, FNSAVE, FRSTOR).
 * FISTTP (an SSE3 instruction; kerf's CPUID reports none) and the reserved encodings raise #UD.
 */
final class X87Insns {
    private X87Insns() {}

    /** 9B WAIT/FWAIT: #NM when CR0.MP and CR0.TS are both set; reports a pending exception. */
    static void fwait(Executor x) {
        Cpu c = x.cpu;
        if ((c.cr0 & (SystemOps.CR0_MP | SystemOps.CR0_TS)) == (SystemOps.CR0_MP | SystemOps.CR0_TS)) {
            throw CpuFault.of(Vectors.NM);
        }
        pending(c);
    }

    private static void pending(Cpu c) {
        if ((c.fpu.statusWord() & FpuState.ES) != 0 && (c.cr0 & SystemOps.CR0_NE) != 0) throw CpuFault.of(Vectors.MF);
    }

    /** D8-DF with the ModRM already decoded. */
    static void esc(Executor x, int op) {
        Cpu c = x.cpu;
        if ((c.cr0 & (SystemOps.CR0_EM | SystemOps.CR0_TS)) != 0) throw CpuFault.of(Vectors.NM);
        int r = x.regf;
        boolean mem = x.rm < 0;
        boolean control;
        if (mem) {
            control = (op == 0xD9 && r >= 4) || (op == 0xDD && (r == 4 || r == 6 || r == 7));
            boolean noWait = (op == 0xD9 && (r == 6 || r == 7)) || (op == 0xDD && (r == 6 || r == 7));
            if (!noWait) pending(c);
        } else {
            int m = x.modrm & 0xFF;
            boolean noWait = (op == 0xDB && (m == 0xE0 || m == 0xE1 || m == 0xE2 || m == 0xE3 || m == 0xE4))
                    || (op == 0xDF && m == 0xE0);
            control = noWait;
            if (!noWait) pending(c);
        }
        FpuState s = c.fpu;
        if (mem) memory(x, s, op, r);
        else register(x, s, op, r, x.rm);
        if (!control) {
            s.fip = x.start;
            s.fcs = c.seg[Cpu.CS].selector & 0xFFFF;
            s.fop = (op & 7) << 8 | (x.modrm & 0xFF);
            if (mem) {
                s.fdp = x.eaOff;
                s.fds = c.seg[x.eaSegment].selector & 0xFFFF;
            }
        }
    }

    // ------------------------------------------------------------------ register forms

    private static void register(Executor x, FpuState s, int op, int r, int i) {
        switch (op) {
            case 0xD8: arithOrCompare(s, r, 0, i, false); return;
            case 0xDC: arithOrCompare(s, r >= 4 ? r ^ 1 : r, i, 0, false); return;
            case 0xDE:
                if (r == 3) {
                    if (i != 1) throw Executor.ud();
                    X87.compare(s, s.st(1), s.isEmpty(1), false, 2); // FCOMPP
                    return;
                }
                arithOrCompare(s, r >= 4 ? r ^ 1 : r, i, 0, true);
                return;
            case 0xD9: d9(s, r, i); return;
            case 0xDA:
                if (r < 4) { X87.conditionalMove(s, i, fcmov(x.cpu, r)); return; }
                if (r == 5 && i == 1) { X87.compare(s, s.st(1), s.isEmpty(1), true, 2); return; } // FUCOMPP
                throw Executor.ud();
            case 0xDB:
                if (r < 4) { X87.conditionalMove(s, i, !fcmov(x.cpu, r)); return; }
                if (r == 4) {
                    switch (i) {
                        case 0: case 1: case 4: return; // FENI, FDISI, FSETPM: no-ops since the 387
                        case 2: s.setStatusWord(s.statusWord() & ~0x80FF); return; // FNCLEX
                        case 3: s.init(); return; // FNINIT
                        default: throw Executor.ud();
                    }
                }
                comi(x, s, i, r == 5, false); // FUCOMI (5), FCOMI (6); /7 is register-rejected by the table
                return;
            case 0xDD:
                switch (r) {
                    case 0: s.free(i); s.finish(s.context()); return; // FFREE
                    case 1: X87.exchange(s, i); return;              // FXCH alias
                    case 2: X87.storeRegister(s, i, false); return;
                    case 3: X87.storeRegister(s, i, true); return;
                    case 4: X87.compare(s, s.st(i), s.isEmpty(i), true, 0); return; // FUCOM
                    case 5: X87.compare(s, s.st(i), s.isEmpty(i), true, 1); return; // FUCOMP
                    default: throw Executor.ud();
                }
            case 0xDF:
                switch (r) {
                    case 0: s.free(i); s.pop(); s.finish(s.context()); return; // FFREEP
                    case 1: X87.exchange(s, i); return;                          // FXCH alias
                    case 2: case 3: X87.storeRegister(s, i, true); return;       // FSTP aliases
                    case 4:
                        if (i != 0) throw Executor.ud();
                        x.setRegv(0xFFFF, Cpu.EAX, s.statusWord()); // FNSTSW AX
                        return;
                    case 5: case 6: comi(x, s, i, r == 5, true); return; // FUCOMIP, FCOMIP
                    default: throw Executor.ud();
                }
            default: throw Executor.ud();
        }
    }

    private static void arithOrCompare(FpuState s, int kind, int dst, int src, boolean pop) {
        if (kind == X87.COM || kind == X87.COMP) {
            int other = dst == 0 ? src : dst; // the DC/DE aliases compare ST(0) with ST(i)
            X87.compare(s, s.st(other), s.isEmpty(other), false, kind == X87.COMP || pop ? 1 : 0); // DE D0+i pops once
            return;
        }
        X87.arith(s, kind, dst, src, pop);
    }

    /** FCMOVB, FCMOVE, FCMOVBE, FCMOVU by ModRM.reg: CF, ZF, CF|ZF, PF. */
    private static boolean fcmov(Cpu c, int r) {
        switch (r) {
            case 0: return Flags.cond(c, 2);
            case 1: return Flags.cond(c, 4);
            case 2: return Flags.cond(c, 6);
            default: return Flags.cond(c, 10);
        }
    }

    private static void comi(Executor x, FpuState s, int i, boolean unordered, boolean pop) {
        int f = X87.compareToEflags(s, i, unordered, pop);
        if (f < 0) return;
        Cpu c = x.cpu;
        Flags.materialize(c);
        int mask = Flags.OF | Flags.SF | Flags.ZF | Flags.AF | Flags.PF | Flags.CF;
        c.flagBits = (c.flagBits & ~mask) | (f & (Flags.ZF | Flags.PF | Flags.CF));
    }

    private static void d9(FpuState s, int r, int i) {
        switch (r) {
            case 0: X87.loadRegister(s, i); return;
            case 1: X87.exchange(s, i); return;
            case 2: if (i != 0) throw Executor.ud(); return; // FNOP
            case 3: X87.storeRegister(s, i, true); return;   // FSTP1 alias
            case 4:
                switch (i) {
                    case 0: X87.signOp(s, false); return;
                    case 1: X87.signOp(s, true); return;
                    case 4: X87.compare(s, F80.POS_ZERO, false, false, 0); return; // FTST
                    case 5: X87.fxam(s); return;
                    default: throw Executor.ud();
                }
            case 5:
                if (i == 7) throw Executor.ud();
                X87.loadConstant(s, i);
                return;
            case 6:
                switch (i) {
                    case 0: X87Transcendental.f2xm1(s); return;
                    case 1: X87Transcendental.fyl2x(s, false); return;
                    case 2: X87Transcendental.trig(s, 3); return; // FPTAN
                    case 3: X87Transcendental.fpatan(s); return;
                    case 4: X87.fxtract(s); return;
                    case 5: X87.fprem(s, true); return;
                    case 6: X87.moveTop(s, -1); return;
                    default: X87.moveTop(s, 1); return;
                }
            default:
                switch (i) {
                    case 0: X87.fprem(s, false); return;
                    case 1: X87Transcendental.fyl2x(s, true); return;
                    case 2: X87.unary(s, true); return;
                    case 3: X87Transcendental.trig(s, 2); return; // FSINCOS
                    case 4: X87.unary(s, false); return;
                    case 5: X87.fscale(s); return;
                    case 6: X87Transcendental.trig(s, 0); return;
                    default: X87Transcendental.trig(s, 1); return;
                }
        }
    }

    // ------------------------------------------------------------------ memory forms

    private static void memory(Executor x, FpuState s, int op, int r) {
        int ea = x.ea;
        switch (op) {
            case 0xD8: arithMem(s, r, 4, read(x, ea, 4), false); return;
            case 0xDC: arithMem(s, r, 8, read(x, ea, 8), false); return;
            case 0xDA: arithMem(s, r, 4, read(x, ea, 4), true); return;
            case 0xDE: arithMem(s, r, 2, read(x, ea, 2), true); return;
            case 0xD9:
                switch (r) {
                    case 0: { long v = read(x, ea, 4); FpuContext c = s.context(); X87.load(s, FloatConvert.fromSingle(c, (int) v), c); return; }
                    case 2: case 3: storeFloat(x, s, ea, 4, r == 3); return;
                    case 4: { byte[] b = readBytes(x, ea, FpuState.envSize(x.o32)); s.loadEnv(b, 0, x.o32); return; } // FLDENV
                    case 5: s.setControlWord((int) read(x, ea, 2)); return; // FLDCW
                    case 6: { // FNSTENV, then all exceptions masked
                        byte[] b = new byte[FpuState.envSize(x.o32)];
                        s.storeEnv(b, 0, x.o32);
                        writeBytes(x, ea, b);
                        s.cw |= 0x3F;
                        s.updateSummary();
                        return;
                    }
                    case 7: writeBytes(x, ea, le(s.cw, 2)); return; // FNSTCW
                    default: throw Executor.ud();
                }
            case 0xDB:
                switch (r) {
                    case 0: { long v = read(x, ea, 4); X87.load(s, FloatConvert.fromInt((int) v), s.context()); return; }
                    case 2: case 3: storeInt(x, s, ea, 32, r == 3); return;
                    case 5: { byte[] b = readBytes(x, ea, 10); X87.load(s, F80.load(b, 0), s.context()); return; }
                    case 7: { // FSTP m80: raw
                        FpuState before = copy(s);
                        F80 v = X87.storeSource(s);
                        if (v == null) return;
                        byte[] b = new byte[10];
                        v.store(b, 0);
                        X87.endStore(s, s.context(), true, true);
                        commit(x, s, before, ea, b);
                        return;
                    }
                    default: throw Executor.ud();
                }
            case 0xDD:
                switch (r) {
                    case 0: { long v = read(x, ea, 8); FpuContext c = s.context(); X87.load(s, FloatConvert.fromDouble(c, v), c); return; }
                    case 2: case 3: storeFloat(x, s, ea, 8, r == 3); return;
                    case 4: { byte[] b = readBytes(x, ea, FpuState.saveSize(x.o32)); s.restore(b, 0, x.o32); return; } // FRSTOR
                    case 6: { // FNSAVE, then FNINIT
                        FpuState before = copy(s);
                        byte[] b = new byte[FpuState.saveSize(x.o32)];
                        s.save(b, 0, x.o32);
                        commit(x, s, before, ea, b);
                        return;
                    }
                    case 7: writeBytes(x, ea, le(s.statusWord(), 2)); return; // FNSTSW m16
                    default: throw Executor.ud();
                }
            case 0xDF:
                switch (r) {
                    case 0: { long v = read(x, ea, 2); X87.load(s, FloatConvert.fromInt((short) v), s.context()); return; }
                    case 2: case 3: storeInt(x, s, ea, 16, r == 3); return;
                    case 4: { byte[] b = readBytes(x, ea, 10); X87.load(s, FloatConvert.fromBcd(b, 0), s.context()); return; }
                    case 5: { long v = read(x, ea, 8); X87.load(s, FloatConvert.fromInt(v), s.context()); return; }
                    case 6: { // FBSTP
                        FpuState before = copy(s);
                        F80 v = X87.storeSource(s);
                        if (v == null) return;
                        FpuContext c = s.context();
                        byte[] b = new byte[10];
                        boolean ok = FloatConvert.toBcd(c, v, b, 0);
                        X87.endStore(s, c, ok, true);
                        if (ok) commit(x, s, before, ea, b);
                        return;
                    }
                    case 7: storeInt(x, s, ea, 64, true); return;
                    default: throw Executor.ud();
                }
            default: throw Executor.ud();
        }
    }

    /** D8/DC (real) and DA/DE (integer) with a memory operand: arithmetic, or FCOM/FCOMP. */
    private static void arithMem(FpuState s, int kind, int bytes, long raw, boolean integer) {
        FpuContext c = s.context();
        F80 v;
        if (integer) v = FloatConvert.fromInt(bytes == 2 ? (short) raw : (int) raw);
        else if (s.isEmpty(0)) v = F80.POS_ZERO; // the stack fault is all that is reported
        else v = bytes == 4 ? FloatConvert.singleOperand(c, (int) raw) : FloatConvert.doubleOperand(c, raw);
        if (kind == X87.COM || kind == X87.COMP) {
            // a denormal memory operand is DE unless ST(0) is a NaN or unsupported (IE alone then);
            // decided on ST(0) before FCOMP pops it, and part of the compare's flags (an unmasked
            // DE keeps the stack)
            boolean de = c.denormalMemoryOperand && !s.isEmpty(0) && !s.st(0).isNaN()
                    && s.st(0).kind() != F80.Kind.UNSUPPORTED;
            X87.compare(s, v, false, false, kind == X87.COMP ? 1 : 0, de ? FpuContext.DE : 0);
            return;
        }
        X87.arithMem(s, kind, v, c);
    }

    private static void storeFloat(Executor x, FpuState s, int ea, int bytes, boolean pop) {
        FpuState before = copy(s);
        F80 v = X87.storeSource(s);
        if (v == null) return;
        FpuContext c = s.context();
        Long r = bytes == 4 ? toLong(FloatConvert.toSingle(c, v)) : FloatConvert.toDouble(c, v);
        X87.endStore(s, c, r != null, pop);
        if (r != null) commit(x, s, before, ea, le(r, bytes));
    }

    private static void storeInt(Executor x, FpuState s, int ea, int bits, boolean pop) {
        FpuState before = copy(s);
        F80 v = X87.storeSource(s);
        if (v == null) return;
        FpuContext c = s.context();
        Long r = FloatConvert.toInt(c, v, bits, false);
        X87.endStore(s, c, r != null, pop);
        if (r != null) commit(x, s, before, ea, le(r, bits / 8));
    }

    private static Long toLong(Integer i) {
        return i == null ? null : (long) (int) i;
    }

    private static FpuState copy(FpuState s) {
        FpuState t = new FpuState();
        t.copyFrom(s);
        return t;
    }

    /** Writes a store's bytes; a fault puts the FPU state back as it was before the instruction. */
    private static void commit(Executor x, FpuState s, FpuState before, int ea, byte[] b) {
        try {
            writeBytes(x, ea, b);
        } catch (CpuFault f) {
            s.copyFrom(before);
            throw f;
        }
    }

    // ------------------------------------------------------------------ memory access

    private static long read(Executor x, int lin, int n) {
        switch (n) {
            case 2: return x.read16(lin);
            case 4: return x.read32(lin) & 0xFFFFFFFFL;
            default: return (x.read32(lin) & 0xFFFFFFFFL) | (long) x.read32(lin + 4) << 32;
        }
    }

    private static byte[] readBytes(Executor x, int lin, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) x.read8(lin + i);
        return b;
    }

    /** Checks every page of the destination for writing first, so a #PF leaves memory as it was. */
    private static void writeBytes(Executor x, int lin, byte[] b) {
        int last = lin + b.length - 1;
        x.mmu.translate(lin, true);
        if (((last ^ lin) & 0xFFFFF000) != 0) x.mmu.translate(last, true);
        for (int i = 0; i < b.length; i++) x.write8(lin + i, b[i]);
    }

    private static byte[] le(long v, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }
}
