package dev.kerf.emulator.hook;

import dev.kerf.emulator.cpu.Cpu;

/**
 * CPL changed (interrupt/exception entry from ring 3, IRET/RETF back): called at the end of the
 * control transfer, {@code cpu} in the new state (CS, SS:ESP, EIP, EFLAGS). Not called for state
 * set from outside a run ({@code Cpu.setCpl}, the reset state).
 */
@FunctionalInterface
public interface PrivilegeHook {
    void privilegeChanged(Cpu cpu, int fromCpl, int toCpl);
}
