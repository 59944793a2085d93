package dev.kerf.emulator.machine;

/**
 * How a run ended.
 *
 * @param reason     why it stopped
 * @param exitStatus the debug-exit status ((v << 1) | 1) when reason is EXIT, else 0
 * @param icount     instructions retired
 * @param message    one line for a person (e.g. the triple fault's cause)
 */
public record RunResult(Reason reason, int exitStatus, long icount, String message) {
    /** RESET: the guest asked the board to reset (port 0x64 command 0xFE, 0xCF9, 0x92 bit 0); the run ends there. */
    public enum Reason { EXIT, MAX_INSNS, TRIPLE_FAULT, HALTED_FOREVER, STOPPED, RESET }
}
