package dev.kerf.retargeter.syscall;

/**
 * A write to stdout or stderr the rebuilt program made that the log does not have (its debug
 * output, with {@link SyscallReplayer#allowExtraOutput}): answered as fully written.
 *
 * @param beforeCall the index of the logged call it came before (the number of calls: after the last)
 * @param fd         1 or 2
 * @param bytes      what it wrote (at most {@link CallArguments#MAX_INPUT} bytes)
 */
public record ExtraWrite(int beforeCall, int fd, byte[] bytes) {}
