package dev.kerf.slicer.component;

import java.util.regex.Pattern;

/**
 * {@code PROG:GLOB} or {@code PROG:0xLO-0xHI}: code of the program PROG runs (a process name, the
 * file /bin/PROG of the recording's initrd; or a pid: that process only, running the program it
 * last exec'd). GLOB names functions of its symbol table ({@code *}
 * any run, {@code ?} one character). PROG {@code kernel} names the recording's kernel: GLOB
 * matches the kernel ELF's function symbols ({@code kernel:ne2k_*}), a range its addresses.
 *
 * @param program the process name, or a pid in decimal
 * @param glob    the symbol glob, or null for a range
 * @param lo      range start (inclusive) when glob is null
 * @param hi      range end (exclusive) when glob is null
 */
public record ComponentSpec(String program, String glob, long lo, long hi) {
    private static final Pattern RANGE = Pattern.compile("0[xX]([0-9a-fA-F]{1,8})-0[xX]([0-9a-fA-F]{1,8})");

    /** Parses a SPEC; a malformed one is an {@link IllegalArgumentException} with a one-line message. */
    public static ComponentSpec parse(String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0 || colon == spec.length() - 1) {
            throw new IllegalArgumentException("--component " + spec + ": expected PROG:GLOB (buggy:parse_*) or PROG:0xLO-0xHI");
        }
        String program = spec.substring(0, colon), what = spec.substring(colon + 1);
        if (program.chars().allMatch(Character::isDigit) && (program.length() > 9 || program.startsWith("0") && program.length() > 1)) {
            throw new IllegalArgumentException("--component " + spec + ": " + program + " is not a pid");
        }
        var m = RANGE.matcher(what);
        if (m.matches()) {
            long lo = Long.parseLong(m.group(1), 16), hi = Long.parseLong(m.group(2), 16);
            if (hi <= lo) throw new IllegalArgumentException("--component " + spec + ": the range is empty or reversed");
            return new ComponentSpec(program, null, lo, hi);
        }
        if (what.startsWith("0x") || what.startsWith("0X")) {
            throw new IllegalArgumentException("--component " + spec + ": an address range is 0xLO-0xHI (hex, HI exclusive)");
        }
        return new ComponentSpec(program, what, 0, 0);
    }

    /** The pid PROG names, or -1 when it is a name (or the kernel). */
    public int pid() {
        return program.chars().allMatch(Character::isDigit) ? Integer.parseInt(program) : -1;
    }

    /** Whether it names kernel code ({@code kernel:...}). */
    public boolean kernel() {
        return program.equals("kernel");
    }

    /** The same code in program {@code name} (a pid resolved to the program it ran). */
    ComponentSpec inProgram(String name) {
        return new ComponentSpec(name, glob, lo, hi);
    }

    /** Whether {@code name} matches the glob. */
    public boolean matches(String name) {
        return globMatches(glob, 0, name, 0);
    }

    private static boolean globMatches(String g, int gi, String s, int si) {
        while (gi < g.length()) {
            char c = g.charAt(gi);
            if (c == '*') {
                for (int k = si; k <= s.length(); k++) if (globMatches(g, gi + 1, s, k)) return true;
                return false;
            }
            if (si >= s.length() || (c != '?' && c != s.charAt(si))) return false;
            gi++;
            si++;
        }
        return si == s.length();
    }

    @Override
    public String toString() {
        return program + ":" + (glob != null ? glob : String.format("0x%x-0x%x", lo, hi));
    }
}
