package dev.kerf.cli;

/**
 * kerf's own process exit codes (documented in docs/cli.md). They are all even on purpose:
 * {@code kerf run} exits with the guest's debug-exit status, which is always odd
 * ({@code (value << 1) | 1}), so a script can always tell who is speaking.
 */
public enum ExitCode {
    /** The command did what was asked. */
    OK(0),
    /** The command line is wrong (unknown option, bad value); usage is printed. */
    USAGE(2),
    /**
     * An input file is missing, unreadable or not what it should be (kernel, module, disk, pcap); stdin
     * longer than {@code --stdin-limit}; an output kerf will not write (a link, a directory, a device) or
     * cannot (disk full): the message names the file;
     * {@code replay-jvm}: the log's program tried something its sandbox refuses.
     */
    BAD_INPUT(4),
    /** The guest triple-faulted: a PC would reset; kerf stops and says where. */
    GUEST_TRIPLE_FAULT(6),
    /** The guest halted with nothing that could ever wake it. */
    GUEST_HALTED(8),
    /** {@code --max-insns} was reached before the guest exited; {@code replay-jvm}: {@code --timeout} or {@code --max-heap} before the program ended. */
    MAX_INSNS(10),
    /**
     * A kerf file (recording directory, packed recording, slice, syscall or JVM log) is damaged, truncated, of another format
     * version or not a kerf file; the message names the file and the offset.
     */
    BAD_RECORDING(12),
    /** {@code kerf record} could not write the recording (disk full, output gone): the guest was stopped. */
    RECORD_FAILED(14),
    /** {@code kerf replay} diverged from the recording; the report says at which event and icount. */
    DIVERGED(16),
    /**
     * {@code kerf replay} replayed a cut-short recording (its recorder was killed) to its last
     * complete batch without a divergence; there was no End event to finish on.
     */
    CUT_SHORT(18),
    /**
     * The input needs more memory than this JVM's heap allows (refused before allocating, or an
     * OutOfMemoryError): one line with the heap limit; a larger {@code -Xmx} may do.
     */
    OUT_OF_MEMORY(20),
    /**
     * The guest asked the board to reset (keyboard controller command 0xFE on port 0x64, port 0xCF9,
     * port 0x92 bit 0; Linux's {@code reboot}): kerf does not reboot it, the run ends there.
     */
    GUEST_RESET(22),
    /** {@code kerf run --snapshot-on/--snapshot-at}: the guest's run ended before the snapshot's moment; nothing written. */
    SNAPSHOT_NOT_TAKEN(26),
    /** kerf itself failed (a bug): the message says so; --verbose shows the stack trace. */
    INTERNAL(70),
    /** Stopped by Ctrl-C / SIGINT (the shell convention 128 + 2). */
    INTERRUPTED(130);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
