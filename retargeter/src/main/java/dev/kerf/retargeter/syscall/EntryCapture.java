package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.usermode.KernelReturn;
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
    record Entry(UserRegisters registers, int[] args, List<CallInput> inputs, List<CallWrite> writes) {}

    private final Map<Long, Entry> entries = new TreeMap<>();
    private final Map<Long, KernelReturn> returns;
    private final SyscallAbi abi;

    /** {@code returns}: what came back from each call, by the user icount after its INT (as the slice says). */
    EntryCapture(SyscallAbi abi, Map<Long, KernelReturn> returns) {
        this.abi = abi;
        this.returns = returns;
    }

    @Override
    public void delivering(Cpu cpu, int vector, Source source, int errorCode) {
        if (cpu.cpl != 3 || source != Source.SOFTWARE) return;
        long at = UserExits.retiredAt(cpu.icount, source);
        if (entries.containsKey(at)) return;
        int nr = cpu.reg[Cpu.EAX];
        int[] args = abi.arguments(cpu);
        KernelReturn back = returns.get(at);
        List<CallWrite> writes = back == null ? List.of()
                : CallArguments.wholeStructs(abi, cpu, nr, args, CallArguments.relativize(abi, nr, args, back.writes()));
        // a path on a page the process never touched is brought in by the call itself: read it as the kernel did
        List<CallInput> inputs = back == null ? CallArguments.inputs(abi, cpu, nr, args)
                : CallArguments.inputs(abi, UserMemory.withPagedIn(cpu, back.mapped(), back.writes()), nr, args);
        entries.put(at, new Entry(UserRegisters.of(cpu), args, inputs, writes));
    }

    /** The call whose INT retired at user icount {@code at}, or null. */
    Entry at(long at) {
        return entries.get(at);
    }
}
