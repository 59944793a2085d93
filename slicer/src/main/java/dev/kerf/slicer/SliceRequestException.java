package dev.kerf.slicer;

/**
 * A slice that cannot be made as asked (an empty or reversed window, a window outside the
 * recording, ...): a one-line message for the user, who must change the request. No file is
 * written when it is thrown.
 */
public final class SliceRequestException extends RuntimeException {
    public SliceRequestException(String message) {
        super(message, null, false, false);
    }
}
