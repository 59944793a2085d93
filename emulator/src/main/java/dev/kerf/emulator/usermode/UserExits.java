package dev.kerf.emulator.usermode;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.InterruptHook;

/**
 * The one place that turns an interrupt delivery from user mode into a {@link UserExit} and its
 * user icount, shared by the slicer (on the whole machine) and the replayer (on the user-mode
 * machine) so both see exits the same way. System calls use the i386 convention: number in EAX,
 * arguments in EBX ECX EDX ESI EDI.
 */
public final class UserExits {
    private static final int[] ARGS = {Cpu.EBX, Cpu.ECX, Cpu.EDX, Cpu.ESI, Cpu.EDI};

    private UserExits() {}

    /** The exit a delivery from CPL 3 means ({@code cpu} in the interrupted state, as InterruptHook sees it). */
    public static UserExit of(Cpu cpu, int vector, InterruptHook.Source source, int errorCode) {
        switch (source) {
            case SOFTWARE -> {
                int[] args = new int[5];
                for (int i = 0; i < 5; i++) args[i] = cpu.reg[ARGS[i]];
                return new UserExit.Syscall(vector, cpu.reg[Cpu.EAX], args);
            }
            case EXCEPTION -> {
                return new UserExit.Fault(vector, errorCode, cpu.eip, vector == 14 ? cpu.cr2 : 0);
            }
            default -> {
                return new UserExit.Interrupt(vector);
            }
        }
    }

    /**
     * User instructions retired by the time of the exit, given those retired when the delivery
     * was seen: an INT n retires (it counts), a faulting instruction does not, an external
     * interrupt comes between instructions.
     */
    public static long retiredAt(long retiredBefore, InterruptHook.Source source) {
        return retiredBefore + (source == InterruptHook.Source.SOFTWARE ? 1 : 0);
    }
}
