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
        if ((opcode & 2) == 0) {
            int v = c.bus.in(port, size) & mask;
            x.setRegv(mask, Cpu.EAX, v);
            HookCalls.portIn(c, port, size, v);
        } else {
            int v = x.regv(mask, Cpu.EAX);
            c.bus.out(port, size, v);
            HookCalls.portOut(c, port, size, v);
        }
        c.pollIrq = true;
    }
}
