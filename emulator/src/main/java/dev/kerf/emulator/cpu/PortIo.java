package dev.kerf.emulator.cpu;

/**
 * IN and OUT (imm8 and DX forms) through {@link CpuBus}. At CPL > IOPL the TSS I/O permission
 * bitmap decides, else #GP(0). A port access may change an IRQ line, so the run loop looks at INTR
 * again afterwards.
 */
final class PortIo {
    private PortIo() {}

    /** E4-E7, EC-EF. */
    static void exec(Executor x, int opcode) {
        Cpu c = x.cpu;
        int mask = (opcode & 1) == 0 ? 0xFF : x.opMask();
        int size = mask == 0xFF ? 1 : mask == 0xFFFF ? 2 : 4;
        int port = opcode < 0xE8 ? x.imm & 0xFF : x.reg[Cpu.EDX] & 0xFFFF;
        x.requireIo(port, size);
        if ((opcode & 2) == 0) x.setRegv(mask, Cpu.EAX, c.bus.in(port, size) & mask);
        else c.bus.out(port, size, x.regv(mask, Cpu.EAX));
        c.pollIrq = true;
    }
}
