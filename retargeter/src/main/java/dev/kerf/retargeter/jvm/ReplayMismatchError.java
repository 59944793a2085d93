package dev.kerf.retargeter.jvm;

/**
 * Thrown into the replayed program at its first mismatching native call so it stops there. An
 * Error, so the program's {@code catch (Exception e)} does not swallow it; should it catch
 * Throwable all the same, the replay still reports the first mismatch it recorded.
 */
final class ReplayMismatchError extends Error {
    ReplayMismatchError(JvmMismatch m) {
        super(m.message(), null, false, false);
    }
}
