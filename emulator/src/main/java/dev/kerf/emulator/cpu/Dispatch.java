package dev.kerf.emulator.cpu;

/**
 * Opcode → instruction family. The operands are already decoded by {@link Executor} from the
 * opcode table, so each case is one call. The two switches are long on purpose: a flat
 * tableswitch is the fastest dispatch the JIT can make, and each method stays far below
 * HotSpot's 8000-bytecode compilation limit because every case is a single call.
 */
final class Dispatch {
    private Dispatch() {}

    static void oneByte(Executor x, int op) {
        switch (op) {
            case 0x00: case 0x01: case 0x02: case 0x03: case 0x04: case 0x05:
            case 0x08: case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D:
            case 0x10: case 0x11: case 0x12: case 0x13: case 0x14: case 0x15:
            case 0x18: case 0x19: case 0x1A: case 0x1B: case 0x1C: case 0x1D:
            case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25:
            case 0x28: case 0x29: case 0x2A: case 0x2B: case 0x2C: case 0x2D:
            case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35:
            case 0x38: case 0x39: case 0x3A: case 0x3B: case 0x3C: case 0x3D:
                if (x.rm < 0 && (op & 6) == 0 && op < 0x38) x.saveFlags();
                Arith.aluForm(x, op); return;
            case 0x06: Stack.pushSeg(x, Cpu.ES); return;
            case 0x07: Stack.popSeg(x, Cpu.ES); return;
            case 0x0E: Stack.pushSeg(x, Cpu.CS); return;
            case 0x16: Stack.pushSeg(x, Cpu.SS); return;
            case 0x17: Stack.popSeg(x, Cpu.SS); return;
            case 0x1E: Stack.pushSeg(x, Cpu.DS); return;
            case 0x1F: Stack.popSeg(x, Cpu.DS); return;
            case 0x27: Bcd.daa(x); return;
            case 0x2F: Bcd.das(x); return;
            case 0x37: Bcd.asciiAdjust(x, true); return;
            case 0x3F: Bcd.asciiAdjust(x, false); return;
            case 0x40: case 0x41: case 0x42: case 0x43: case 0x44: case 0x45: case 0x46: case 0x47:
            case 0x48: case 0x49: case 0x4A: case 0x4B: case 0x4C: case 0x4D: case 0x4E: case 0x4F:
                Arith.incDecReg(x, op); return;
            case 0x50: case 0x51: case 0x52: case 0x53: case 0x54: case 0x55: case 0x56: case 0x57:
                Stack.push(x, x.reg[op & 7]); return;
            case 0x58: case 0x59: case 0x5A: case 0x5B: case 0x5C: case 0x5D: case 0x5E: case 0x5F:
                Stack.popReg(x, op & 7); return;
            case 0x60: Stack.pusha(x); return;
            case 0x61: Stack.popa(x); return;
            case 0x62: Control.bound(x); return;
            case 0x68: case 0x6A: Stack.push(x, x.imm); return;
            case 0x69: case 0x6B: MulDiv.imulTruncated(x, x.rmv(x.opMask()), x.imm); return;
            case 0x6C: case 0x6D: case 0x6E: case 0x6F:
                Strings.exec(x, op); return;
            case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
            case 0x78: case 0x79: case 0x7A: case 0x7B: case 0x7C: case 0x7D: case 0x7E: case 0x7F:
                Control.jcc(x, op & 15); return;
            case 0x80: case 0x81: case 0x82: case 0x83:
                if (x.rm < 0 && x.regf != Arith.CMP) x.saveFlags();
                Arith.group1(x, op); return;
            case 0x84: case 0x85: Logic.testRm(x, op); return;
            case 0x86: case 0x87: Move.xchgRm(x, op); return;
            case 0x88: case 0x89: case 0x8A: case 0x8B: Move.mov(x, op); return;
            case 0x8C: Move.movFromSreg(x); return;
            case 0x8D: Move.lea(x); return;
            case 0x8E: Move.movToSreg(x); return;
            case 0x8F: Stack.popRm(x); return;
            case 0x90: return; // NOP, and PAUSE with F3
            case 0x91: case 0x92: case 0x93: case 0x94: case 0x95: case 0x96: case 0x97:
                Move.xchgAcc(x, op & 7); return;
            case 0x98: Move.cbw(x); return;
            case 0x99: Move.cwd(x); return;
            case 0x9A: Control.farDirect(x, true); return;
            case 0x9B: X87Insns.fwait(x); return;
            case 0x9C: Stack.pushf(x); return;
            case 0x9D: Stack.popf(x); return;
            case 0x9E: FlagOps.sahf(x); return;
            case 0x9F: FlagOps.lahf(x); return;
            case 0xA0: case 0xA1: case 0xA2: case 0xA3: Move.moffs(x, op); return;
            case 0xA4: case 0xA5: case 0xA6: case 0xA7:
            case 0xAA: case 0xAB: case 0xAC: case 0xAD: case 0xAE: case 0xAF:
                Strings.exec(x, op); return;
            case 0xA8: case 0xA9: Logic.testAcc(x, op); return;
            case 0xB0: case 0xB1: case 0xB2: case 0xB3: case 0xB4: case 0xB5: case 0xB6: case 0xB7:
                x.setReg8(op & 7, x.imm); return;
            case 0xB8: case 0xB9: case 0xBA: case 0xBB: case 0xBC: case 0xBD: case 0xBE: case 0xBF:
                x.setRegv(x.opMask(), op & 7, x.imm); return;
            case 0xC0: case 0xC1: case 0xD0: case 0xD1: case 0xD2: case 0xD3:
                if (x.rm < 0) x.saveFlags();
                Shift.group2(x, op); return;
            case 0xC2: Control.ret(x, x.imm); return;
            case 0xC3: Control.ret(x, 0); return;
            case 0xC4: Move.loadFar(x, Cpu.ES); return;
            case 0xC5: Move.loadFar(x, Cpu.DS); return;
            case 0xC6: case 0xC7: Move.movImm(x, op); return;
            case 0xC8: Stack.enter(x); return;
            case 0xC9: Stack.leave(x); return;
            case 0xCA: Control.retFar(x, x.imm); return;
            case 0xCB: Control.retFar(x, 0); return;
            case 0xCC: Control.softwareInterrupt(x, Vectors.BP); return;
            case 0xCD: Control.softwareInterrupt(x, x.imm); return;
            case 0xCE: Control.into(x); return;
            case 0xCF: Control.iret(x); return;
            case 0xD4: Bcd.aam(x); return;
            case 0xD5: Bcd.aad(x); return;
            case 0xD7: Move.xlat(x); return;
            case 0xD8: case 0xD9: case 0xDA: case 0xDB: case 0xDC: case 0xDD: case 0xDE: case 0xDF:
                X87Insns.esc(x, op); return;
            case 0xE0: case 0xE1: case 0xE2: case 0xE3: Control.loop(x, op); return;
            case 0xE4: case 0xE5: case 0xE6: case 0xE7: case 0xEC: case 0xED: case 0xEE: case 0xEF:
                PortIo.exec(x, op); return;
            case 0xE8: Control.callRel(x); return;
            case 0xE9: case 0xEB: Control.jmpRel(x); return;
            case 0xEA: Control.farDirect(x, false); return;
            case 0xF4: SystemInsns.hlt(x); return;
            case 0xF5: case 0xF8: case 0xF9: case 0xFA: case 0xFB: case 0xFC: case 0xFD:
                FlagOps.exec(x, op); return;
            case 0xF6: case 0xF7:
                if (x.rm < 0) x.saveFlags();
                Arith.group3(x, op); return;
            case 0xFE: case 0xFF: group45(x, op); return;
            default: throw Executor.ud(); // not in the opcode table: unreachable
        }
    }

    /** FE/FF: INC DEC (both), CALL CALLF JMP JMPF PUSH (FF only). */
    private static void group45(Executor x, int op) {
        int mask = op == 0xFE ? 0xFF : x.opMask();
        switch (x.regf) {
            case 0:
            case 1:
                if (x.rm < 0) x.saveFlags();
                Arith.incDecRm(x, mask); return;
            case 2: Control.callRm(x); return;
            case 3: Control.farIndirect(x, true); return;
            case 4: Control.jmpRm(x); return;
            case 5: Control.farIndirect(x, false); return;
            default: Stack.push(x, x.rmv(mask));
        }
    }

    static void twoByte(Executor x, int op) {
        switch (op) {
            case 0x00: SystemInsns.group6(x); return;
            case 0x01: SystemInsns.group7(x); return;
            case 0x02: case 0x03: SystemInsns.larLsl(x, op); return;
            case 0x06: case 0x08: case 0x09: SystemInsns.privilegedNoOperand(x, op); return;
            case 0x19: case 0x1A: case 0x1B: case 0x1C: case 0x1D: case 0x1E: case 0x1F: return; // hint NOPs, NOP r/m
            case 0x20: case 0x21: case 0x22: case 0x23: SystemInsns.movControl(x, op); return;
            case 0x30: case 0x32: SystemInsns.msr(x); return;
            case 0x31: SystemInsns.rdtsc(x); return;
            case 0x40: case 0x41: case 0x42: case 0x43: case 0x44: case 0x45: case 0x46: case 0x47:
            case 0x48: case 0x49: case 0x4A: case 0x4B: case 0x4C: case 0x4D: case 0x4E: case 0x4F:
                Move.cmov(x, op & 15); return;
            case 0x80: case 0x81: case 0x82: case 0x83: case 0x84: case 0x85: case 0x86: case 0x87:
            case 0x88: case 0x89: case 0x8A: case 0x8B: case 0x8C: case 0x8D: case 0x8E: case 0x8F:
                Control.jcc(x, op & 15); return;
            case 0x90: case 0x91: case 0x92: case 0x93: case 0x94: case 0x95: case 0x96: case 0x97:
            case 0x98: case 0x99: case 0x9A: case 0x9B: case 0x9C: case 0x9D: case 0x9E: case 0x9F:
                Move.setcc(x, op & 15); return;
            case 0xA0: Stack.pushSeg(x, Cpu.FS); return;
            case 0xA1: Stack.popSeg(x, Cpu.FS); return;
            case 0xA2: SystemInsns.cpuid(x); return;
            case 0xA3: BitOps.withRegister(x, BitOps.BT); return;
            case 0xA4: case 0xA5: case 0xAC: case 0xAD:
                if (x.rm < 0) x.saveFlags();
                Shift.shiftDouble(x, op < 0xA8, (op & 1) == 0 ? x.imm : x.reg[Cpu.ECX]); return;
            case 0xA8: Stack.pushSeg(x, Cpu.GS); return;
            case 0xA9: Stack.popSeg(x, Cpu.GS); return;
            case 0xAB: BitOps.withRegister(x, BitOps.BTS); return;
            case 0xAF: MulDiv.imulTruncated(x, x.regv(x.opMask(), x.regf), x.rmv(x.opMask())); return;
            case 0xB0: case 0xB1: Move.cmpxchg(x, op); return;
            case 0xB2: Move.loadFar(x, Cpu.SS); return;
            case 0xB3: BitOps.withRegister(x, BitOps.BTR); return;
            case 0xB4: Move.loadFar(x, Cpu.FS); return;
            case 0xB5: Move.loadFar(x, Cpu.GS); return;
            case 0xB6: case 0xB7: case 0xBE: case 0xBF: Move.movExtend(x, op); return;
            case 0xBA: BitOps.withImmediate(x); return;
            case 0xBB: BitOps.withRegister(x, BitOps.BTC); return;
            case 0xBC: BitOps.scan(x, true); return;
            case 0xBD: BitOps.scan(x, false); return;
            case 0xC0: case 0xC1: Move.xadd(x, op); return;
            case 0xC7: Move.cmpxchg8b(x); return;
            case 0xC8: case 0xC9: case 0xCA: case 0xCB: case 0xCC: case 0xCD: case 0xCE: case 0xCF:
                Move.bswap(x, op & 7); return;
            default: throw Executor.ud(); // not in the opcode table: unreachable
        }
    }
}
