package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.usermode.UserExit;
import dev.kerf.emulator.usermode.UserExits;
import dev.kerf.emulator.usermode.UserRegisters;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Watches a process-slice replay and keeps, for every system call from user mode, the registers
 * and the bytes it passed in, keyed by the user icount after the INT (as the slice's transitions
 * are): a slice holds neither, both come from the process's memory at the call.
 */
final class EntryCapture implements InterruptHook {
    /** What one call looked like at its entry. */
    record Entry(UserRegisters registers, List<CallInput> inputs) {}

    private final Map<Long, Entry> entries = new TreeMap<>();

    @Override
    public void delivering(Cpu cpu, int vector, Source source, int errorCode) {
        if (cpu.cpl != 3 || source != Source.SOFTWARE) return;
        long at = UserExits.retiredAt(cpu.icount, source);
        if (entries.containsKey(at)) return;
        UserExit.Syscall s = (UserExit.Syscall) UserExits.of(cpu, vector, source, errorCode);
        entries.put(at, new Entry(UserRegisters.of(cpu), CallArguments.inputs(cpu, s.nr(), s.args())));
    }

    /** The call whose INT retired at user icount {@code at}, or null. */
    Entry at(long at) {
        return entries.get(at);
    }
}
