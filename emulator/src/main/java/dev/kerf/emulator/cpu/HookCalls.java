package dev.kerf.emulator.cpu;

import dev.kerf.emulator.hook.Cr3Hook;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.hook.PortHook;
import dev.kerf.emulator.hook.PrivilegeHook;

/**
 * Calls the slow-path hooks (interrupt, privilege, CR3, port) registered on {@link Cpu#hooks}.
 * Every call site is already off the fast path (delivery, IRET/RETF, MOV CR3, port I/O), and
 * with no hook of a kind registered a call is a load of an empty array. A hook that registers or
 * removes hooks makes the run loop re-pick its path before the next instruction
 * ({@link Cpu#hooksMayHaveChanged()}).
 */
final class HookCalls {
    private HookCalls() {}

    /** Before a delivery attempt; {@code source} is an {@link InterruptDelivery} constant. */
    static void interrupt(Cpu cpu, int vector, int source, boolean hasErrorCode, int errorCode) {
        InterruptHook[] hs = cpu.hooks.interrupt;
        if (hs.length == 0) return;
        InterruptHook.Source s = source == InterruptDelivery.EXTERNAL ? InterruptHook.Source.EXTERNAL
                : source == InterruptDelivery.SOFTWARE ? InterruptHook.Source.SOFTWARE : InterruptHook.Source.EXCEPTION;
        int code = hasErrorCode ? errorCode : -1;
        for (InterruptHook h : hs) h.delivering(cpu, vector, s, code);
        cpu.hooksMayHaveChanged();
    }

    /** After a control transfer that ended at a CPL other than {@code from}. */
    static void privilege(Cpu cpu, int from) {
        PrivilegeHook[] hs = cpu.hooks.privilege;
        if (hs.length == 0 || from == cpu.cpl) return;
        for (PrivilegeHook h : hs) h.privilegeChanged(cpu, from, cpu.cpl);
        cpu.hooksMayHaveChanged();
    }

    static void cr3(Cpu cpu, int oldCr3) {
        Cr3Hook[] hs = cpu.hooks.cr3;
        if (hs.length == 0) return;
        for (Cr3Hook h : hs) h.cr3Written(cpu, oldCr3, cpu.cr3);
        cpu.hooksMayHaveChanged();
    }

    static void portIn(Cpu cpu, int port, int size, int value) {
        PortHook[] hs = cpu.hooks.port;
        if (hs.length == 0) return;
        for (PortHook h : hs) h.in(cpu, port, size, value);
        cpu.hooksMayHaveChanged();
    }

    static void portOut(Cpu cpu, int port, int size, int value) {
        PortHook[] hs = cpu.hooks.port;
        if (hs.length == 0) return;
        for (PortHook h : hs) h.out(cpu, port, size, value);
        cpu.hooksMayHaveChanged();
    }
}
