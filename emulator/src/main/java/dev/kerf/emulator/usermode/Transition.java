package dev.kerf.emulator.usermode;

/**
 * One exit from user mode and what came back. {@code userIcount} is the process's own user-mode
 * instruction count at the exit (an INT n counts, a faulting instruction does not);
 * {@code registerDigest} is {@link UserRegisters#digest()} of the registers the exit saw (EIP as
 * the handler sees it). {@code back} is null when the process never returned (exit call, killing
 * fault, end of the recording).
 */
public record Transition(long userIcount, UserExit exit, int registerDigest, KernelReturn back) {
    public Transition {
        if (userIcount < 0) throw new IllegalArgumentException("negative user icount");
    }
}
