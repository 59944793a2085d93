package dev.kerf.emulator.cpu;

/**
 * Data movement: MOV forms, MOVZX/MOVSX, LEA, XCHG, CMPXCHG, CMPXCHG8B, XADD, BSWAP, CBW/CWDE,
 * CWD/CDQ, XLAT, CMOVcc, SETcc, MOV to/from segment registers and LDS/LES/LFS/LGS/LSS.
 *
 * <p>Where an instruction writes both memory and a register, memory is written first so a
 * #PF leaves the registers untouched (the run loop rewinds EIP/ESP and restores flags).
 */
final class Move {
    private Move() {}

    /** 88-8B. */
    static void mov(Executor x, int opcode) {
        int mask = (opcode & 1) == 0 ? 0xFF : x.opMask();
        if (opcode < 0x8A) x.setRmv(mask, x.regv(mask, x.regf));
        else x.setRegv(mask, x.regf, x.rmv(mask));
    }

    /** C6/C7 /0: MOV r/m, imm. */
    static void movImm(Executor x, int opcode) {
        x.setRmv(opcode == 0xC6 ? 0xFF : x.opMask(), x.imm);
    }

    /** A0-A3: MOV between the accumulator and a direct offset. */
    static void moffs(Executor x, int opcode) {
        int mask = (opcode & 1) == 0 ? 0xFF : x.opMask();
        x.setEa(x.dataSeg(), x.a32 ? x.imm : x.imm & 0xFFFF);
        if (opcode < 0xA2) x.setRegv(mask, Cpu.EAX, x.readMem(mask, x.ea));
        else x.writeMem(mask, x.ea, x.regv(mask, Cpu.EAX));
    }

    /** 8D: LEA (the offset, truncated to the operand size). */
    static void lea(Executor x) {
        x.setRegv(x.opMask(), x.regf, x.eaOff);
    }

    /** 86/87: XCHG r/m, r (LOCK is implied and harmless on one CPU). */
    static void xchgRm(Executor x, int opcode) {
        int mask = opcode == 0x86 ? 0xFF : x.opMask();
        int a = x.rmv(mask);
        int b = x.regv(mask, x.regf);
        x.setRmv(mask, b);
        x.setRegv(mask, x.regf, a);
    }

    /** 91-97: XCHG eAX, r. */
    static void xchgAcc(Executor x, int r) {
        int mask = x.opMask();
        int a = x.regv(mask, Cpu.EAX);
        x.setRegv(mask, Cpu.EAX, x.regv(mask, r));
        x.setRegv(mask, r, a);
    }

    /** 98: CBW / CWDE. */
    static void cbw(Executor x) {
        if (x.o32) x.reg[Cpu.EAX] = (short) x.reg[Cpu.EAX];
        else x.setRegv(0xFFFF, Cpu.EAX, (byte) x.reg[Cpu.EAX]);
    }

    /** 99: CWD / CDQ. */
    static void cwd(Executor x) {
        if (x.o32) x.reg[Cpu.EDX] = x.reg[Cpu.EAX] >> 31;
        else x.setRegv(0xFFFF, Cpu.EDX, (short) x.reg[Cpu.EAX] >> 15);
    }

    /** 0F B6/B7 MOVZX, 0F BE/BF MOVSX. */
    static void movExtend(Executor x, int op) {
        int v;
        switch (op) {
            case 0xB6: v = x.rm8(); break;
            case 0xB7: v = x.rm16(); break;
            case 0xBE: v = (byte) x.rm8(); break;
            default: v = (short) x.rm16(); break;
        }
        x.setRegv(x.opMask(), x.regf, v);
    }

    /** 0F 40-4F: the source is read (and may fault) whatever the condition. */
    static void cmov(Executor x, int cc) {
        int mask = x.opMask();
        int v = x.rmv(mask);
        if (Flags.cond(x.cpu, cc)) x.setRegv(mask, x.regf, v);
    }

    /** 0F 90-9F. */
    static void setcc(Executor x, int cc) {
        x.setRmv(0xFF, Flags.cond(x.cpu, cc) ? 1 : 0);
    }

    /** D7: AL = [seg:(E)BX + AL]. */
    static void xlat(Executor x) {
        int off = x.reg[Cpu.EBX] + (x.reg[Cpu.EAX] & 0xFF);
        int lin = x.seg[x.dataSeg()].base + (x.a32 ? off : off & 0xFFFF);
        x.setReg8(Cpu.EAX, x.read8(lin));
    }

    /** 0F B0/B1: compare the accumulator with r/m; equal: r/m = r, else accumulator = r/m. */
    static void cmpxchg(Executor x, int op) {
        int mask = op == 0xB0 ? 0xFF : x.opMask();
        Cpu c = x.cpu;
        int dest = x.rmv(mask);
        int acc = x.regv(mask, Cpu.EAX);
        if (acc == dest) {
            x.setRmv(mask, x.regv(mask, x.regf));
        } else {
            x.setRmv(mask, dest); // the processor always writes the destination
            x.setRegv(mask, Cpu.EAX, dest);
        }
        Arith.alu(c, Arith.CMP, acc, dest, mask);
    }

    /** 0F C7 /1: CMPXCHG8B m64. Only ZF changes. */
    static void cmpxchg8b(Executor x) {
        int[] reg = x.reg;
        int lo = x.read32(x.ea), hi = x.read32(x.ea + 4);
        boolean equal = lo == reg[Cpu.EAX] && hi == reg[Cpu.EDX];
        if (equal) {
            x.write32(x.ea, reg[Cpu.EBX]);
            x.write32(x.ea + 4, reg[Cpu.ECX]);
        } else {
            x.write32(x.ea, lo);
            x.write32(x.ea + 4, hi);
            reg[Cpu.EAX] = lo;
            reg[Cpu.EDX] = hi;
        }
        Cpu c = x.cpu;
        Flags.materialize(c);
        c.flagBits = equal ? c.flagBits | Flags.ZF : c.flagBits & ~Flags.ZF;
    }

    /** 0F C0/C1: XADD r/m, r: r/m = sum, r = old r/m (the destination written last if both are one register). */
    static void xadd(Executor x, int op) {
        int mask = op == 0xC0 ? 0xFF : x.opMask();
        int dest = x.rmv(mask);
        int src = x.regv(mask, x.regf);
        int sum = (dest + src) & mask;
        if (x.rm >= 0) {
            x.setRegv(mask, x.regf, dest);
            x.setRmv(mask, sum);
        } else {
            x.setRmv(mask, sum);
            x.setRegv(mask, x.regf, dest);
        }
        Arith.alu(x.cpu, Arith.ADD, dest, src, mask);
    }

    /** 0F C8+r. (16-bit operand size is undefined in the SDM; we swap all 32 bits.) */
    static void bswap(Executor x, int r) {
        x.reg[r] = Integer.reverseBytes(x.reg[r]);
    }

    /** 8C: MOV r/m, Sreg (a register destination with 32-bit operand size is zero-extended). */
    static void movFromSreg(Executor x) {
        int sel = x.seg[x.regf].selector;
        if (x.rm >= 0) x.setRegv(x.opMask(), x.rm, sel);
        else x.write16(x.ea, sel);
    }

    /** 8E: MOV Sreg, r/m (CS excluded by the opcode table). MOV SS opens an interrupt shadow. */
    static void movToSreg(Executor x) {
        int sel = x.rm16();
        SegmentLoader.load(x.cpu, x.regf, sel);
        if (x.regf == Cpu.SS) x.cpu.shadow = true;
    }

    /** C4/C5, 0F B2/B4/B5: load a far pointer m16:16/m16:32 into Sreg:r. */
    static void loadFar(Executor x, int sreg) {
        int mask = x.opMask();
        int off = x.readMem(mask, x.ea);
        int sel = x.read16(x.ea + (x.o32 ? 4 : 2));
        SegmentLoader.load(x.cpu, sreg, sel);
        x.setRegv(mask, x.regf, off);
    }
}
