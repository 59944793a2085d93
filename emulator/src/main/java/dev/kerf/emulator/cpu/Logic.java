package dev.kerf.emulator.cpu;

/** AND, OR, XOR and TEST: the logical half of the ALU. CF=OF=0, AF cleared (undefined in the SDM). */
final class Logic {
    private Logic() {}

    /** {@code op} is an {@link Arith} ALU index: OR, AND, XOR (anything else is AND, as TEST). */
    static int op(Cpu c, int op, int a, int b, int mask) {
        int r = Arith.value(op, a, b, mask);
        Flags.logic(c, r, mask);
        return r;
    }

    /** 84/85: TEST r/m, r. */
    static void testRm(Executor x, int opcode) {
        int mask = opcode == 0x84 ? 0xFF : x.opMask();
        op(x.cpu, Arith.AND, x.rmv(mask), x.regv(mask, x.regf), mask);
    }

    /** A8/A9: TEST AL/eAX, imm. */
    static void testAcc(Executor x, int opcode) {
        int mask = opcode == 0xA8 ? 0xFF : x.opMask();
        op(x.cpu, Arith.AND, x.regv(mask, Cpu.EAX), x.imm & mask, mask);
    }
}
