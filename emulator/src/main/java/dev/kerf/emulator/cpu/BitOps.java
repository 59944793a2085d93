package dev.kerf.emulator.cpu;

/**
 * BT BTS BTR BTC (register and imm8 bit offsets) and BSF/BSR.
 *
 * <p>With a register offset and a memory operand the operand is a bit string: the signed offset
 * selects the word/dword at {@code ea + (offset >> 5) * 4} (16-bit: {@code >> 4, * 2}). An
 * immediate offset is taken mod the operand size. BT* set CF to the selected bit and leave the
 * other flags (OF SF AF PF are undefined in the SDM). BSF/BSR set ZF (source zero: ZF=1 and
 * the destination is unchanged) and leave the rest.
 */
final class BitOps {
    static final int BT = 0, BTS = 1, BTR = 2, BTC = 3;

    private BitOps() {}

    /** 0F A3/AB/B3/BB: bit offset in a register. */
    static void withRegister(Executor x, int kind) {
        int mask = x.opMask();
        int offset = x.regv(mask, x.regf);
        if (x.rm >= 0) {
            apply(x, kind, mask, x.rm, 0, offset & (mask == -1 ? 31 : 15));
            return;
        }
        int lin, bit;
        if (mask == -1) {
            lin = x.ea + ((offset >> 5) << 2);
            bit = offset & 31;
        } else {
            int o = (short) offset;
            lin = x.ea + ((o >> 4) << 1);
            bit = o & 15;
        }
        apply(x, kind, mask, -1, lin, bit);
    }

    /** 0F BA /4-7: bit offset in imm8. */
    static void withImmediate(Executor x) {
        int mask = x.opMask();
        apply(x, x.regf - 4, mask, x.rm, x.ea, x.imm & (mask == -1 ? 31 : 15));
    }

    private static void apply(Executor x, int kind, int mask, int r, int lin, int bit) {
        int v = r >= 0 ? x.regv(mask, r) : x.readMem(mask, lin);
        int cf = (v >>> bit) & 1;
        if (kind != BT) {
            int n;
            if (kind == BTS) n = v | (1 << bit);
            else if (kind == BTR) n = v & ~(1 << bit);
            else n = v ^ (1 << bit);
            if (r >= 0) x.setRegv(mask, r, n);
            else x.writeMem(mask, lin, n);
        }
        Cpu c = x.cpu;
        Flags.materialize(c);
        c.flagBits = (c.flagBits & ~Flags.CF) | cf;
    }

    /** 0F BC BSF / 0F BD BSR. */
    static void scan(Executor x, boolean forward) {
        int mask = x.opMask();
        int v = x.rmv(mask);
        Cpu c = x.cpu;
        if (v != 0) {
            int index = forward ? Integer.numberOfTrailingZeros(v) : 31 - Integer.numberOfLeadingZeros(v);
            x.setRegv(mask, x.regf, index);
        }
        Flags.materialize(c);
        c.flagBits = v == 0 ? c.flagBits | Flags.ZF : c.flagBits & ~Flags.ZF;
    }
}
