package dev.kerf.retargeter.jvm;

/**
 * Why a replay ended without an answer to "identical?": the sandbox refused something to the
 * program, or the program went over its time or heap budget ({@link ReplayLimits}).
 *
 * @param kind    which
 * @param message the verdict after {@code replay-jvm: }, one line
 */
public record JvmStop(Kind kind, String message) {
    public enum Kind {
        /** The program tried to reach something other than kerf.Sys (a file, the network, exit, reflection into kerf...). */
        REFUSED,
        /** The program still ran at the time budget. */
        TIME_BUDGET,
        /** The program's JVM ran out of its heap (or class-metadata) budget. */
        HEAP_BUDGET
    }
}
