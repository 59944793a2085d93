package dev.kerf.emulator.introspect.linux;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The i386 system-call table of Linux 6.1 ({@code arch/x86/entry/syscalls/syscall_32.tbl}): for
 * each number its name, its arguments' kinds (how strace shows them) and what the call does to
 * the caller's process (ends it, replaces its image, creates a child). The data is the resource
 * {@code syscalls-i386.txt} beside this class, whose header documents the letters; it is read
 * once per instance (no static mutable state) and checked: numbers in order, no duplicates.
 */
public final class LinuxSyscalls {
    /** Registers carrying arguments 0..5 on i386: EBX ECX EDX ESI EDI EBP. */
    public static final int MAX_ARGS = 6;
    static final String RESOURCE = "syscalls-i386.txt";

    /** What a call does to its caller beyond its result. */
    public enum Effect {
        NONE, EXIT_GROUP, EXIT_THREAD, EXEC, FORK, VFORK, CLONE, CLONE3, SIGRETURN
    }

    /**
     * One entry of the table.
     *
     * @param nr       the number (EAX at entry)
     * @param name     as strace names it
     * @param kinds    one letter per argument (see the resource's header)
     * @param effect   what the call does to the process
     * @param hex      the result is an address (brk, mmap): shown in hex
     * @param pidOfCaller the result is the caller's thread-group id (getpid)
     * @param tidOfCaller the result is the caller's thread id (gettid, set_tid_address)
     * @param implemented false for numbers the table lists without an entry point (always ENOSYS)
     */
    public record Call(int nr, String name, String kinds, Effect effect, boolean hex, boolean pidOfCaller,
                       boolean tidOfCaller, boolean implemented) {
        public int argCount() {
            return kinds.length();
        }

        public char kind(int i) {
            return i < kinds.length() ? kinds.charAt(i) : '?';
        }
    }

    private final Call[] calls;

    private LinuxSyscalls(Call[] calls) {
        this.calls = calls;
    }

    /** The table from the bundled resource. */
    public static LinuxSyscalls i386() {
        try (InputStream in = LinuxSyscalls.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCE + " is missing from the build");
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LinuxSyscalls parse(BufferedReader r) throws IOException {
        java.util.List<Call> list = new java.util.ArrayList<>();
        String line;
        int lineNo = 0;
        int last = -1;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.trim().split("\\s+");
            if (f.length < 3 || f.length > 4) throw new IllegalStateException(RESOURCE + ":" + lineNo + ": expected NUMBER NAME KINDS [FLAGS]");
            if (!f[0].matches("\\d{1,4}")) throw new IllegalStateException(RESOURCE + ":" + lineNo + ": bad number " + f[0]);
            int nr = Integer.parseInt(f[0]);
            if (nr <= last) throw new IllegalStateException(RESOURCE + ":" + lineNo + ": number " + nr + " is not above " + last);
            last = nr;
            String kinds = f[2].equals("-") ? "" : f[2];
            if (kinds.length() > MAX_ARGS || !kinds.matches("[duxpfasbBomvekwtcSPMCKWhigrLTU?]*")) {
                throw new IllegalStateException(RESOURCE + ":" + lineNo + ": bad argument kinds " + f[2]);
            }
            String flags = f.length == 4 ? f[3] : "";
            list.add(new Call(nr, f[1], kinds, effect(flags, lineNo), flags.contains("H"), flags.contains("G"),
                    flags.contains("I"), !flags.contains("N")));
        }
        Call[] byNr = new Call[last + 1];
        for (Call c : list) byNr[c.nr()] = c;
        return new LinuxSyscalls(byNr);
    }

    private static Effect effect(String flags, int lineNo) {
        Effect e = Effect.NONE;
        for (char c : flags.toCharArray()) {
            Effect x = switch (c) {
                case 'E' -> Effect.EXIT_GROUP;
                case 'T' -> Effect.EXIT_THREAD;
                case 'X' -> Effect.EXEC;
                case 'F' -> Effect.FORK;
                case 'V' -> Effect.VFORK;
                case 'C' -> Effect.CLONE;
                case '3' -> Effect.CLONE3;
                case 'R' -> Effect.SIGRETURN;
                case 'H', 'G', 'I', 'N' -> null;
                default -> throw new IllegalStateException(RESOURCE + ":" + lineNo + ": unknown flag " + c);
            };
            if (x != null) e = x;
        }
        return e;
    }

    /** The entry for {@code nr}, or null when 6.1 does not use the number. */
    public Call get(int nr) {
        return nr >= 0 && nr < calls.length ? calls[nr] : null;
    }

    /** The call's name, or {@code syscall_NR} (strace's spelling) for an unused number. */
    public String name(int nr) {
        Call c = get(nr);
        return c == null ? "syscall_" + Integer.toUnsignedString(nr) : c.name();
    }

    /** The highest number in the table. */
    public int max() {
        return calls.length - 1;
    }

    /** The number named {@code name}, or -1. */
    public int number(String name) {
        for (Call c : calls) if (c != null && c.name().equals(name)) return c.nr();
        return -1;
    }
}
