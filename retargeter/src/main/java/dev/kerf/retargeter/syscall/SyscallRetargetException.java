package dev.kerf.retargeter.syscall;

/** A process slice that cannot become a syscall log (it does not replay, or it is not a slice of user code); one line for the user. */
public final class SyscallRetargetException extends RuntimeException {
    public SyscallRetargetException(String message) {
        super(message);
    }
}
