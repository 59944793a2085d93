package dev.kerf.emulator.usermode;

/**
 * The first point where the replayed process did not do what the slice recorded.
 *
 * @param transition index of the transition being replayed
 * @param userIcount the process's user icount where it was noticed
 * @param expected   what the slice recorded
 * @param actual     what the replay did
 */
public record UserDivergence(int transition, long userIcount, String expected, String actual) {
    public String message() {
        return "the process diverged at user instruction " + userIcount + " (exit " + transition + "): expected "
                + expected + ", got " + actual;
    }
}
