package dev.kerf.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * The Linux guest's scenarios (examples/linux) print what varies from boot to boot (the guest's
 * own ps, the kernel's log, strace's log: pids, addresses, kernel threads) between marker lines
 * {@code ---- NAME ----} and {@code ---- end NAME ----}. The expected outputs (examples/linux/expected,
 * which check.sh holds QEMU to) keep the marker lines only; the tests read the lines between them
 * and compare them with kerf's own view instead.
 */
public final class LinuxConsole {
    private LinuxConsole() {}

    /** The console with the lines between every pair of marker lines left out (the rule of check.sh's awk). */
    public static String withoutVaryingBlocks(String console) {
        StringBuilder b = new StringBuilder();
        boolean skip = false;
        for (String line : console.split("(?<=\n)")) {
            if (line.startsWith("---- end ")) skip = false;
            if (!skip) b.append(line);
            if (line.startsWith("---- ") && !line.startsWith("---- end ")) skip = true;
        }
        return b.toString();
    }

    /** The lines between {@code ---- name ----} and {@code ---- end name ----}; fails when the markers are missing. */
    public static List<String> block(String console, String name) {
        String begin = "---- " + name + " ----", end = "---- end " + name + " ----";
        List<String> out = new ArrayList<>();
        boolean in = false, closed = false;
        for (String line : console.replace("\r", "").split("\n")) {
            if (line.equals(end) && in) {
                closed = true;
                break;
            }
            if (in) out.add(line);
            if (line.equals(begin)) in = true;
        }
        if (!closed) throw new AssertionError("no block between \"" + begin + "\" and \"" + end + "\" in the console:\n" + console);
        return out;
    }
}
