package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.usermode.KernelReturn;
import dev.kerf.emulator.usermode.UserExit;
import dev.kerf.emulator.usermode.UserExits;
import dev.kerf.emulator.usermode.UserRegisters;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Watches a process-slice replay and keeps, for every system call from user mode, the registers
 * and the bytes it passed in, keyed by the user icount after the INT (as the slice's transitions
 * are): a slice holds neither, both come from the process's memory at the call. Also completes the
 * structs the call filled ({@link CallArguments#wholeStructs}), which needs the memory at entry too.
 */
final class EntryCapture implements InterruptHook {
    /** What one call looked like at its entry, and its kernel writes ready for the log (null when it never returned). */
    record Entry(UserRegisters registers, List<CallInput> inputs, List<CallWrite> writes) {}

    private final Map<Long, Entry> entries = new TreeMap<>();
    private final Map<Long, KernelReturn> returns;

    /** {@code returns}: what came back from each call, by the user icount after its INT (as the slice says). */
    EntryCapture(Map<Long, KernelReturn> returns) {
        this.returns = returns;
    }

    @Override
    public void delivering(Cpu cpu, int vector, Source source, int errorCode) {
        if (cpu.cpl != 3 || source != Source.SOFTWARE) return;
        long at = UserExits.retiredAt(cpu.icount, source);
        if (entries.containsKey(at)) return;
        UserExit.Syscall s = (UserExit.Syscall) UserExits.of(cpu, vector, source, errorCode);
        KernelReturn back = returns.get(at);
        List<CallWrite> writes = back == null ? List.of()
                : CallArguments.wholeStructs(cpu, s.nr(), s.args(), CallArguments.relativize(s.nr(), s.args(), back.writes()));
        entries.put(at, new Entry(UserRegisters.of(cpu), CallArguments.inputs(cpu, s.nr(), s.args()), writes));
    }

    /** The call whose INT retired at user icount {@code at}, or null. */
    Entry at(long at) {
        return entries.get(at);
    }
}
