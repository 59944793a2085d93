package dev.kerf.emulator.cpu;

/**
 * DAA DAS AAA AAS AAM AAD, following the SDM pseudo-code. Flags the SDM leaves undefined: OF
 * is cleared; AAA/AAS leave SF/ZF/PF from the final AL; AAM/AAD clear CF/AF/OF.
 */
final class Bcd {
    private Bcd() {}

    private static int al(Executor x) {
        return x.reg[Cpu.EAX] & 0xFF;
    }

    static void daa(Executor x) {
        Cpu c = x.cpu;
        int al = al(x), oldAl = al;
        int oldCf = Flags.cf(c);
        int cf = 0, af = 0;
        if ((al & 0xF) > 9 || Flags.af(c)) {
            al += 6;
            cf = oldCf | (al > 0xFF ? 1 : 0);
            al &= 0xFF;
            af = Flags.AF;
        }
        if (oldAl > 0x99 || oldCf != 0) {
            al = (al + 0x60) & 0xFF;
            cf = 1;
        }
        x.setReg8(Cpu.EAX, al);
        Flags.szpWith(c, al, 0xFF, cf | af);
    }

    static void das(Executor x) {
        Cpu c = x.cpu;
        int al = al(x), oldAl = al;
        int oldCf = Flags.cf(c);
        int cf = 0, af = 0;
        if ((al & 0xF) > 9 || Flags.af(c)) {
            cf = oldCf | (al < 6 ? 1 : 0);
            al = (al - 6) & 0xFF;
            af = Flags.AF;
        }
        if (oldAl > 0x99 || oldCf != 0) {
            al = (al - 0x60) & 0xFF;
            cf = 1;
        }
        x.setReg8(Cpu.EAX, al);
        Flags.szpWith(c, al, 0xFF, cf | af);
    }

    /** AAA (add) / AAS (subtract): AX += 0x106 / AX -= 0x106 when adjusting, then AL &= 0x0F. */
    static void asciiAdjust(Executor x, boolean add) {
        Cpu c = x.cpu;
        int ax = x.reg[Cpu.EAX] & 0xFFFF;
        int flags = 0;
        if ((ax & 0xF) > 9 || Flags.af(c)) {
            ax = add ? ax + 0x106 : ax - 0x106;
            flags = Flags.AF | Flags.CF;
        }
        ax &= 0xFF0F;
        x.setRegv(0xFFFF, Cpu.EAX, ax);
        Flags.szpWith(c, ax & 0xFF, 0xFF, flags);
    }

    /** D4 ib: AH = AL / imm, AL = AL % imm; #DE when imm is 0. */
    static void aam(Executor x) {
        int base = x.imm & 0xFF;
        if (base == 0) throw CpuFault.of(Vectors.DE);
        int al = al(x);
        int r = al % base;
        x.setRegv(0xFFFF, Cpu.EAX, ((al / base) << 8) | r);
        Flags.szpWith(x.cpu, r, 0xFF, 0);
    }

    /** D5 ib: AL = AL + AH * imm, AH = 0. */
    static void aad(Executor x) {
        int ax = x.reg[Cpu.EAX];
        int r = ((ax & 0xFF) + ((ax >> 8) & 0xFF) * (x.imm & 0xFF)) & 0xFF;
        x.setRegv(0xFFFF, Cpu.EAX, r);
        Flags.szpWith(x.cpu, r, 0xFF, 0);
    }
}
