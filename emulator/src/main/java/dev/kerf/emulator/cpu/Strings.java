package dev.kerf.emulator.cpu;

/**
 * MOVS CMPS STOS LODS SCAS INS OUTS, with REP / REPE / REPNE.
 *
 * <p>Timeline rule (design §3): each REP iteration retires as one instruction. An iteration
 * that leaves work to do puts EIP back on the instruction, so an interrupt can be taken
 * between iterations; REP with a zero count retires once. When no interrupt can arrive (the
 * run loop has nothing to poll) and no instruction hook wants to see each iteration, several
 * iterations run in one step, each
 * but the last adding to icount itself, which is indistinguishable from stepping them one by
 * one. INS/OUTS always run one iteration per step (a port access can raise an IRQ).
 *
 * <p>Order within an iteration: memory first, then ESI/EDI/ECX, so a fault leaves the
 * iteration restartable. Addresses use ESI/EDI or SI/DI by address size, no limit checks;
 * the destination is always ES, the source DS unless overridden.
 */
final class Strings {
    private Strings() {}

    static void exec(Executor x, int op) {
        boolean io = op < 0x70;
        int mask = (op & 1) == 0 ? 0xFF : x.opMask();
        if (io) x.requireIo(x.reg[Cpu.EDX] & 0xFFFF, size(mask));
        if (x.rep == 0) {
            once(x, op, mask);
            return;
        }
        Cpu c = x.cpu;
        boolean compare = op == 0xA6 || op == 0xA7 || op == 0xAE || op == 0xAF;
        long budget = io || c.pollIrq || x.observed ? 1 : x.limit - c.icount;
        int[] reg = x.reg;
        for (;;) {
            int count = x.a32 ? reg[Cpu.ECX] : reg[Cpu.ECX] & 0xFFFF;
            if (count == 0) return;
            once(x, op, mask);
            count--;
            if (x.a32) reg[Cpu.ECX] = count;
            else reg[Cpu.ECX] = (reg[Cpu.ECX] & 0xFFFF0000) | count;
            if (count == 0) return;
            if (compare && Flags.zf(c) != (x.rep == 0xF3)) return;
            if (--budget <= 0) {
                c.eip = x.start;
                return;
            }
            c.icount++;
        }
    }

    private static int size(int mask) {
        return mask == 0xFF ? 1 : mask == 0xFFFF ? 2 : 4;
    }

    private static int si(Executor x) {
        int v = x.reg[Cpu.ESI];
        return x.seg[x.dataSeg()].base + (x.a32 ? v : v & 0xFFFF);
    }

    private static int di(Executor x) {
        int v = x.reg[Cpu.EDI];
        return x.seg[Cpu.ES].base + (x.a32 ? v : v & 0xFFFF);
    }

    private static void advance(Executor x, int r, int delta) {
        int v = x.reg[r];
        x.reg[r] = x.a32 ? v + delta : (v & 0xFFFF0000) | ((v + delta) & 0xFFFF);
    }

    /** One iteration of string instruction {@code op}. */
    private static void once(Executor x, int op, int mask) {
        Cpu c = x.cpu;
        int size = size(mask);
        int delta = (c.flagBits & Flags.DF) != 0 ? -size : size;
        switch (op & 0xFE) {
            case 0xA4:
                x.writeMem(mask, di(x), x.readMem(mask, si(x)));
                advance(x, Cpu.ESI, delta);
                advance(x, Cpu.EDI, delta);
                return;
            case 0xA6: {
                int a = x.readMem(mask, si(x));
                int b = x.readMem(mask, di(x));
                advance(x, Cpu.ESI, delta);
                advance(x, Cpu.EDI, delta);
                Arith.alu(c, Arith.CMP, a, b, mask);
                return;
            }
            case 0xAA:
                x.writeMem(mask, di(x), x.regv(mask, Cpu.EAX));
                advance(x, Cpu.EDI, delta);
                return;
            case 0xAC:
                x.setRegv(mask, Cpu.EAX, x.readMem(mask, si(x)));
                advance(x, Cpu.ESI, delta);
                return;
            case 0xAE:
                int b = x.readMem(mask, di(x));
                advance(x, Cpu.EDI, delta);
                Arith.alu(c, Arith.CMP, x.regv(mask, Cpu.EAX), b, mask);
                return;
            case 0x6C: {
                int lin = di(x);
                x.mmu.translate(lin, true); // fault before the port is read: a port read has side effects
                int port = x.reg[Cpu.EDX] & 0xFFFF;
                int v = c.bus.in(port, size) & mask;
                x.writeMem(mask, lin, v);
                advance(x, Cpu.EDI, delta);
                HookCalls.portIn(c, port, size, v);
                c.pollIrq = true;
                return;
            }
            default: { // 0x6E OUTS
                int port = x.reg[Cpu.EDX] & 0xFFFF;
                int v = x.readMem(mask, si(x));
                c.bus.out(port, size, v);
                advance(x, Cpu.ESI, delta);
                HookCalls.portOut(c, port, size, v);
                c.pollIrq = true;
            }
        }
    }
}
