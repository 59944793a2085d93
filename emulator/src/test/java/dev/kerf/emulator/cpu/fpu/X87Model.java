package dev.kerf.emulator.cpu.fpu;

/**
 * Runs one {@link X87Cases.Case} through kerf's x87 ({@link X87}, {@link FloatConvert}) the way
 * {@code x87check.c} runs it on the host, producing the same fields: status word, EFLAGS (FCOMI),
 * the 108-byte FNSAVE image and the memory operand after the instruction.
 */
final class X87Model {
    record Outcome(int sw, int eflags, byte[] save, byte[] mem) {}

    private X87Model() {}

    static Outcome run(X87Cases.Case k) {
        FpuState s = new FpuState();
        if (k.n() >= 2) s.push(k.b());
        if (k.n() >= 1) s.push(k.a());
        s.cw = k.cw();
        byte[] mem = k.mem().clone();
        int eflags = 0x202; // what the host's PUSHF shows when FCOMI leaves the flags alone is not compared
        switch (k.op()) {
            case 0: X87.arith(s, X87.ADD, 0, 1, false); break;
            case 1: X87.arith(s, X87.SUB, 0, 1, false); break;
            case 2: X87.arith(s, X87.SUBR, 0, 1, false); break;
            case 3: X87.arith(s, X87.MUL, 0, 1, false); break;
            case 4: X87.arith(s, X87.DIV, 0, 1, false); break;
            case 5: X87.arith(s, X87.DIVR, 0, 1, false); break;
            case 6: X87.unary(s, true); break;
            case 7: X87.unary(s, false); break;
            case 8: X87.fscale(s); break;
            case 9: X87.compare(s, s.st(1), s.isEmpty(1), false, 0); break;
            case 10: X87.compare(s, s.st(1), s.isEmpty(1), true, 0); break;
            case 11: eflags = X87.compareToEflags(s, 1, false, false); break;
            case 12: eflags = X87.compareToEflags(s, 1, true, false); break;
            case 13: X87.fxam(s); break;
            case 14: X87.compare(s, F80.POS_ZERO, false, false, 0); break;
            case 15: storeFloat(s, mem, 4, false); break;
            case 16: storeFloat(s, mem, 8, false); break;
            case 17: storeInt(s, mem, 16, false, false); break;
            case 18: storeInt(s, mem, 32, false, false); break;
            case 19: storeInt(s, mem, 64, false, true); break;
            case 20: storeInt(s, mem, 16, true, true); break;
            case 21: storeInt(s, mem, 32, true, true); break;
            case 22: storeInt(s, mem, 64, true, true); break;
            case 23: storeBcd(s, mem); break;
            case 24: { FpuContext c = s.context(); X87.load(s, FloatConvert.fromSingle(c, (int) le(mem, 4)), c); break; }
            case 25: { FpuContext c = s.context(); X87.load(s, FloatConvert.fromDouble(c, le(mem, 8)), c); break; }
            case 26: X87.load(s, FloatConvert.fromInt((short) le(mem, 2)), s.context()); break;
            case 27: X87.load(s, FloatConvert.fromInt((int) le(mem, 4)), s.context()); break;
            case 28: X87.load(s, FloatConvert.fromInt(le(mem, 8)), s.context()); break;
            case 29: X87.load(s, FloatConvert.fromBcd(mem, 0), s.context()); break;
            case 30: X87.arith(s, X87.ADD, 1, 0, false); break;
            case 31: { FpuContext c = s.context(); X87.arithMem(s, X87.ADD, memSingle(s, c, mem), c); break; }
            case 32: { FpuContext c = s.context(); X87.arithMem(s, X87.MUL, memDouble(s, c, mem), c); break; }
            case 33: { FpuContext c = s.context(); X87.arithMem(s, X87.ADD, FloatConvert.fromInt((int) le(mem, 4)), c); break; }
            case 34: { FpuContext c = s.context(); X87.arithMem(s, X87.DIV, memSingle(s, c, mem), c); break; }
            case 35: X87.signOp(s, false); break;
            case 36: X87.signOp(s, true); break;
            case 37: X87.arith(s, X87.SUBR, 1, 0, true); break; // gas's fsubp %st,%st(1) is DE E1
            case 38: X87.fxtract(s); break;
            case 39: X87.fprem(s, false); break;
            case 40: X87.fprem(s, true); break;
            case 41: X87Transcendental.f2xm1(s); break;
            case 42: X87Transcendental.fyl2x(s, false); break;
            case 43: X87Transcendental.fyl2x(s, true); break;
            case 44: X87Transcendental.trig(s, 3); break;
            case 45: X87Transcendental.fpatan(s); break;
            case 46: X87Transcendental.trig(s, 0); break;
            case 47: X87Transcendental.trig(s, 1); break;
            case 48: X87Transcendental.trig(s, 2); break;
            case 49: { F80 v = X87.storeSource(s); if (v != null) { v.store(mem, 0); X87.endStore(s, s.context(), true, true); } break; }
            case 50: X87.loadRegister(s, 1); break;
            case 51: X87.exchange(s, 1); break;
            case 52: eflags = X87.compareToEflags(s, 1, false, true); break;
            case 53: X87.compare(s, s.st(1), s.isEmpty(1), true, 2); break;
            case 54: X87.compare(s, s.st(1), s.isEmpty(1), false, 2); break;
            case 55: case 56: case 57: case 58: case 59: case 60: case 61:
                X87.loadConstant(s, (k.op() - 55 + 1) % 7 == 0 ? X87.LDZ : k.op() == 55 ? X87.LD1 : k.op() - 55); break;
            case 62: X87.moveTop(s, 1); break;
            case 63: X87.moveTop(s, -1); break;
            case 64: s.free(1); s.finish(s.context()); break;
            case 65: case 66: case 67: case 68: case 69: case 70: case 71: case 72: {
                int f = mem[0], cf = f & 1, zf = f >> 6 & 1, pf = f >> 2 & 1;
                int cc = k.op() - 65;
                boolean cond = (cc & 3) == 0 ? cf != 0 : (cc & 3) == 1 ? zf != 0 : (cc & 3) == 2 ? (cf | zf) != 0 : pf != 0;
                X87.conditionalMove(s, 1, cc >= 4 ? !cond : cond);
                break;
            }
            case 73: eflags = X87.compareToEflags(s, 1, true, true); break;
            case 74: X87.storeRegister(s, 1, true); break;
            case 75: storeInt(s, mem, 16, false, true); break;
            case 76: storeFloat(s, mem, 4, true); break;
            case 77: storeFloat(s, mem, 8, true); break;
            default: throw new IllegalArgumentException("op " + k.op());
        }
        int sw = s.statusWord();
        byte[] save = new byte[108];
        s.save(save, 0, true);
        return new Outcome(sw, eflags, save, mem);
    }

    private static F80 memSingle(FpuState s, FpuContext c, byte[] mem) {
        return s.isEmpty(0) ? F80.POS_ZERO : FloatConvert.singleOperand(c, (int) le(mem, 4));
    }

    private static F80 memDouble(FpuState s, FpuContext c, byte[] mem) {
        return s.isEmpty(0) ? F80.POS_ZERO : FloatConvert.doubleOperand(c, le(mem, 8));
    }

    private static void storeFloat(FpuState s, byte[] mem, int bytes, boolean pop) {
        F80 v = X87.storeSource(s);
        FpuContext c = s.context();
        if (v == null) return;
        Long r = bytes == 4 ? toLong(FloatConvert.toSingle(c, v)) : FloatConvert.toDouble(c, v);
        if (r != null) put(mem, r, bytes);
        X87.endStore(s, c, r != null, pop);
    }

    private static Long toLong(Integer i) {
        return i == null ? null : (long) i;
    }

    private static void storeInt(FpuState s, byte[] mem, int bits, boolean truncate, boolean pop) {
        F80 v = X87.storeSource(s);
        FpuContext c = s.context();
        if (v == null) return;
        Long r = FloatConvert.toInt(c, v, bits, truncate);
        if (r != null) put(mem, r, bits / 8);
        X87.endStore(s, c, r != null, pop);
    }

    private static void storeBcd(FpuState s, byte[] mem) {
        F80 v = X87.storeSource(s);
        FpuContext c = s.context();
        if (v == null) return;
        boolean ok = FloatConvert.toBcd(c, v, mem, 0);
        X87.endStore(s, c, ok, true);
    }

    static long le(byte[] m, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) v = v << 8 | (m[i] & 0xFF);
        return v;
    }

    private static void put(byte[] m, long v, int n) {
        for (int i = 0; i < n; i++) m[i] = (byte) (v >>> (8 * i));
    }
}
