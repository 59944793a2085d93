package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.usermode.UserExit;
import dev.kerf.emulator.usermode.UserExits;
import dev.kerf.emulator.usermode.UserRegisters;

/**
 * Stops a user-mode CPU at its first delivery from user mode (the ring-0 stub never runs) and
 * keeps what a syscall replayer needs there: the exit, the user icount after it, the registers as
 * the handler would see them and, for a system call, the bytes it passes in. Later deliveries (a
 * delivery that faulted) are ignored until {@link #reset()}.
 */
final class SyscallTrap implements InterruptHook {
    UserExit exit;
    long userIcount;
    UserRegisters registers;
    java.util.List<CallInput> inputs;
    /** The segment registers user code left at the exit (a TLS selector it loaded stays loaded). */
    int[] segments;
    /** The call's argument registers (the ABI's count) when {@link #exit} is a system call. */
    int[] args;
    private final SyscallAbi abi;

    SyscallTrap(SyscallAbi abi) {
        this.abi = abi;
    }

    void reset() {
        exit = null;
    }

    @Override
    public void delivering(Cpu cpu, int vector, Source source, int errorCode) {
        if (cpu.cpl != 3 || exit != null) return;
        exit = UserExits.of(cpu, vector, source, errorCode);
        userIcount = UserExits.retiredAt(cpu.icount, source);
        registers = UserRegisters.of(cpu);
        segments = dev.kerf.emulator.usermode.ProcessImage.segmentsOf(cpu);
        args = abi.arguments(cpu);
        inputs = exit instanceof UserExit.Syscall s ? CallArguments.inputs(abi, cpu, s.nr(), args) : java.util.List.of();
        cpu.requestStop();
    }
}
