package dev.kerf.emulator.device;

/**
 * Finds a byte string in the console output as the guest writes it, one byte at a time, however
 * the writes split it (Knuth-Morris-Pratt, so an overlapping false start such as "aab" in "aaab"
 * is not missed). Host-side: not device state.
 */
final class ConsoleMatcher {
    private final byte[] text;
    private final int[] fallback;
    private int matched;
    private boolean found;

    ConsoleMatcher(byte[] text) {
        if (text.length == 0) {
            throw new IllegalArgumentException("the console text to wait for is empty");
        }
        this.text = text.clone();
        this.fallback = new int[text.length];
        for (int i = 1, k = 0; i < text.length; i++) {
            while (k > 0 && text[i] != text[k]) {
                k = fallback[k - 1];
            }
            if (text[i] == text[k]) {
                k++;
            }
            fallback[i] = k;
        }
    }

    /** One byte written to the transmitter. */
    void accept(int b) {
        if (found) {
            return;
        }
        byte c = (byte) b;
        while (matched > 0 && text[matched] != c) {
            matched = fallback[matched - 1];
        }
        if (text[matched] == c) {
            matched++;
        }
        if (matched == text.length) {
            found = true;
        }
    }

    /** True once the text has been written completely (stays true). */
    boolean found() {
        return found;
    }
}
