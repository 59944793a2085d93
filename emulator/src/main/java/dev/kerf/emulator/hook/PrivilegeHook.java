package dev.kerf.emulator.hook;

import dev.kerf.emulator.cpu.Cpu;

/** CPL changed (interrupt/exception entry from ring 3, IRET/RET back): called after the change, {@code cpu} in the new state. */
@FunctionalInterface
public interface PrivilegeHook {
    void privilegeChanged(Cpu cpu, int fromCpl, int toCpl);
}
