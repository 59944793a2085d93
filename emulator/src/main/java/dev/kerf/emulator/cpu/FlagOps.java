package dev.kerf.emulator.cpu;

/** CLC STC CMC CLD STD CLI STI LAHF SAHF. */
final class FlagOps {
    private FlagOps() {}

    /** F5 CMC, F8-FD. */
    static void exec(Executor x, int opcode) {
        Cpu c = x.cpu;
        switch (opcode) {
            case 0xF5: {
                int cf = Flags.cf(c);
                c.flagBits = (c.flagBits & ~Flags.CF) | (cf ^ 1);
                c.lazyMask &= ~Flags.CF;
                return;
            }
            case 0xF8: c.flagBits &= ~Flags.CF; c.lazyMask &= ~Flags.CF; return;
            case 0xF9: c.flagBits |= Flags.CF; c.lazyMask &= ~Flags.CF; return;
            case 0xFA: x.requireIopl(); c.flagBits &= ~Flags.IF; return;
            case 0xFB: sti(x); return;
            case 0xFC: c.flagBits &= ~Flags.DF; return;
            default: c.flagBits |= Flags.DF;
        }
    }

    /** STI: #GP(0) if CPL > IOPL; setting IF opens a one-instruction interrupt shadow. */
    private static void sti(Executor x) {
        x.requireIopl();
        Cpu c = x.cpu;
        if ((c.flagBits & Flags.IF) == 0) {
            c.flagBits |= Flags.IF;
            c.shadow = true;
            c.pollIrq = true;
        }
    }

    /** 9F: AH = SF:ZF:0:AF:0:PF:1:CF. */
    static void lahf(Executor x) {
        x.setReg8(4, (x.cpu.getEflags() & 0xD5) | 2);
    }

    /** 9E: SF ZF AF PF CF from AH. */
    static void sahf(Executor x) {
        Cpu c = x.cpu;
        Flags.materialize(c);
        int mask = Flags.SF | Flags.ZF | Flags.AF | Flags.PF | Flags.CF;
        c.flagBits = (c.flagBits & ~mask) | (x.reg8(4) & mask);
    }
}
