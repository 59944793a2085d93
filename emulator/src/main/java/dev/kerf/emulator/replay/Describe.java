package dev.kerf.emulator.replay;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.formats.journal.Event;

/** The words a divergence report uses for events and CPU state. */
final class Describe {
    private static final String[] REGS = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    private static final String[] SEGS = {"es", "cs", "ss", "ds", "fs", "gs"};

    private Describe() {}

    static String event(Event e) {
        if (e == null) return "the end of the recording";
        if (e instanceof Event.PortIn p) {
            return String.format("IN of %d byte(s) from port 0x%x (recorded value 0x%x)", p.size(), p.port(), p.value());
        }
        if (e instanceof Event.PortBlock b) {
            return String.format("a block of %d INs of %d byte(s) from port 0x%x", b.count(), b.size(), b.port());
        }
        if (e instanceof Event.Interrupt i) {
            return String.format("interrupt vector 0x%x at icount %d%s", i.vector(), i.icount(), faults(i.faults()));
        }
        if (e instanceof Event.PortChange c) {
            return String.format("IN of %d byte(s) from sticky port 0x%x at icount %d%s (recorded value 0x%x)", c.size(),
                    c.port(), c.icount(), faults(c.faults()), c.value());
        }
        if (e instanceof Event.Rdtsc r) return "RDTSC (recorded value " + r.value() + ")";
        if (e instanceof Event.StateHash s) return String.format("state hash at icount %d", s.icount());
        Event.End end = (Event.End) e;
        return String.format("the end (%s) at icount %d", end.reason(), end.icount());
    }

    private static String faults(int faults) {
        return faults == 0 ? "" : " after " + faults + " fault(s) there";
    }

    /** General, segment and control registers and EFLAGS on one line. */
    static String registers(Cpu cpu) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < REGS.length; i++) b.append(String.format("%s=%08x ", REGS[i], cpu.reg[i]));
        b.append(String.format("eip=%08x eflags=%08x cpl=%d", cpu.eip, cpu.getEflags(), cpu.cpl));
        for (int i = 0; i < SEGS.length; i++) {
            b.append(String.format(" %s=%04x@%08x", SEGS[i], cpu.seg[i].selector, cpu.seg[i].base));
        }
        b.append(String.format(" cr0=%08x cr2=%08x cr3=%08x cr4=%08x", cpu.cr0, cpu.cr2, cpu.cr3, cpu.cr4));
        return b.toString();
    }
}
