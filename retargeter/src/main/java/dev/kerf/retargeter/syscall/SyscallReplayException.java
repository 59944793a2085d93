package dev.kerf.retargeter.syscall;

/** A syscall log or a rebuilt binary that cannot be set up for replay; one line for the user. */
public final class SyscallReplayException extends RuntimeException {
    public SyscallReplayException(String message) {
        super(message);
    }
}
