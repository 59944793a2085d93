package dev.kerf.emulator.introspect.linux;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The kernel's version banner ({@code linux_banner}, what {@code /proc/version} and the first
 * line of the boot log say: {@code Linux version 6.1.0-57-686 (...) #1 SMP ...}) found in guest
 * physical RAM, for display only.
 *
 * <p>RAM holds several copies: the string in {@code .rodata} (NUL-terminated after its newline),
 * sometimes a template without the build number, and the boot log's copy (which a later log
 * record may have overwritten in part). The one chosen is the first, in physical order, with the
 * most of: a newline then NUL after it, a build number ({@code #} and a digit); nothing here
 * depends on a particular kernel's text.
 */
public final class KernelBanner {
    private static final byte[] PREFIX = "Linux version ".getBytes(StandardCharsets.US_ASCII);
    /** A banner is one line; longer text is not one. */
    private static final int MAX = 512;

    private KernelBanner() {}

    /** The banner without its newline, or empty when RAM has none. */
    public static Optional<String> find(byte[] ram) {
        String best = null;
        int bestScore = -1;
        for (int at = indexOf(ram, 0); at >= 0; at = indexOf(ram, at + 1)) {
            int end = at + PREFIX.length;
            while (end < ram.length && end - at < MAX && ram[end] >= 0x20 && ram[end] < 0x7F) end++;
            if (end >= ram.length || end - at >= MAX) continue;
            String text = new String(ram, at, end - at, StandardCharsets.ISO_8859_1);
            boolean terminated = ram[end] == '\n' && end + 1 < ram.length && ram[end + 1] == 0;
            boolean numbered = text.matches(".*#[0-9].*");
            int score = (terminated ? 2 : 0) + (numbered ? 1 : 0);
            if (score > bestScore) {
                best = text;
                bestScore = score;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The next {@code Linux version } followed by a digit at or after {@code from}, or -1 (Horspool: most bytes are skipped). */
    private static int indexOf(byte[] ram, int from) {
        int n = PREFIX.length;
        int[] skip = new int[256];
        java.util.Arrays.fill(skip, n);
        for (int j = 0; j < n - 1; j++) skip[PREFIX[j] & 0xFF] = n - 1 - j;
        for (int i = from; i + n < ram.length; i += skip[ram[i + n - 1] & 0xFF]) {
            int j = n - 1;
            while (j >= 0 && ram[i + j] == PREFIX[j]) j--;
            if (j < 0 && ram[i + n] >= '0' && ram[i + n] <= '9') return i;
        }
        return -1;
    }
}
