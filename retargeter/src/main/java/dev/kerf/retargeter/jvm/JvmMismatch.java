package dev.kerf.retargeter.jvm;

/**
 * The first point where the host run differs from the guest's log.
 *
 * @param nativeIndex the native call's index ({@code -1}: the difference is in how the program ended)
 * @param expected    what the log says, in a line
 * @param actual      what the host run did, in a line
 */
public record JvmMismatch(int nativeIndex, String expected, String actual) {
    public String message() {
        String where = nativeIndex < 0 ? "at the end" : "at native call #" + nativeIndex;
        return "mismatch " + where + ": expected " + expected + ", actual " + actual;
    }
}
