package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.introspect.SyscallFormat;
import dev.kerf.emulator.introspect.linux.LinuxCall;
import dev.kerf.emulator.introspect.linux.LinuxSyscalls;
import dev.kerf.emulator.introspect.linux.StraceText;

import java.util.Arrays;

/**
 * The system-call convention and table a syscall log speaks: how many argument registers a call
 * has, what each argument of a call means (a number compared by value, a pointer, bytes the
 * process passes in, a buffer the kernel fills) and how a call is shown. Two guests:
 * <ul>
 *   <li>{@link #KERF}, the example OS: five arguments (EBX ECX EDX ESI EDI), its own table
 *       ({@link SyscallFormat}, docs/guest.md), shown as {@code kerf trace} shows it;</li>
 *   <li>{@link #linux()}, i386 Linux: six arguments (EBP too), Linux 6.1's table
 *       ({@link LinuxSyscalls}), shown in strace's spelling ({@link StraceText}).</li>
 * </ul>
 * Which one a log uses is the source slice's {@code guest} header parameter (docs/formats.md §9.6).
 */
public abstract sealed class SyscallAbi permits SyscallAbi.Kerf, SyscallAbi.Linux {
    /** The example OS's. */
    public static final SyscallAbi KERF = new Kerf();
    private static final int[] ARGS = {Cpu.EBX, Cpu.ECX, Cpu.EDX, Cpu.ESI, Cpu.EDI, Cpu.EBP};

    /** Linux's (a new instance reads the table resource; it is immutable afterwards). */
    public static SyscallAbi linux() {
        return new Linux(LinuxSyscalls.i386());
    }

    /** The ABI of a slice whose header says {@code guest} (null or absent: the example OS, as slices before the parameter); null for an unknown name. */
    public static SyscallAbi of(String guest) {
        if (guest == null || guest.equals(Kerf.NAME)) return KERF;
        if (guest.equals(Linux.NAME)) return linux();
        return null;
    }

    /** {@code kerf} or {@code linux}: the header parameter {@code guest}. */
    public abstract String guest();

    /** Argument registers per call: 5 or 6. */
    public abstract int argCount();

    /** The argument registers at a call's entry, from {@code cpu} standing at the INT. */
    public int[] arguments(Cpu cpu) {
        int[] a = new int[argCount()];
        for (int i = 0; i < a.length; i++) a[i] = cpu.reg[ARGS[i]];
        return a;
    }

    /** The call's name ({@code syscall_NR} for a number the table does not know). */
    public abstract String name(int nr);

    /**
     * Call {@code nr} uses argument register {@code i}. A number the table does not know is one the
     * kernel answers with ENOSYS without reading any argument: none is used (a rebuilt binary leaves
     * other values in those registers).
     */
    public abstract boolean isUsed(int nr, int i);

    /** Argument {@code i} is an address (not compared by value against a rebuilt binary). */
    public abstract boolean isPointer(int nr, int i);

    /** Argument {@code i} points to bytes the process passes in (a path, write's buffer): logged, and compared by content. */
    public abstract boolean isPassedIn(int nr, int i);

    /** A passed-in argument whose length is argument {@code i + 1} (write's buffer); else a NUL-terminated path. */
    public abstract boolean isCounted(int nr, int i);

    /** Argument {@code i} is a buffer the kernel fills (read's): its writes are exact, and reach argument {@code i + 1} bytes. */
    public abstract boolean isFilled(int nr, int i);

    /** The call never returns when it succeeds. */
    public abstract boolean isExit(int nr);

    /** The call is brk (emulated for a rebuilt binary's own heap). */
    public boolean isBrk(int nr) {
        return name(nr).equals("brk");
    }

    /** The kernel places a process's initial break at a random distance past its program (Linux's brk randomization). */
    public boolean randomizesBrk() {
        return false;
    }

    /** The initial stack holds an auxiliary vector describing the program (Linux's exec). */
    public boolean hasAuxv() {
        return false;
    }

    /** The call is {@code name} (as the table spells it). */
    public boolean is(int nr, String name) {
        return name(nr).equals(name);
    }

    /** The strace view of a logged call. */
    public abstract String line(SyscallCall c);

    /** The decoded strings of a logged call by argument index (null: shown as a number), for the JSON view. */
    public String[] strings(SyscallCall c) {
        return StraceFormat.strings(this, c);
    }

    /** The example OS (docs/guest.md): five argument registers, its own table. */
    static final class Kerf extends SyscallAbi {
        static final String NAME = "kerf";

        @Override public String guest() { return NAME; }

        @Override public int argCount() { return 5; }

        @Override public String name(int nr) { return SyscallFormat.name(nr); }

        @Override
        public boolean isUsed(int nr, int i) {
            String k = SyscallFormat.kinds(nr);
            return k != null && i < k.length();
        }

        @Override
        public boolean isPointer(int nr, int i) {
            char k = kind(nr, i);
            return k == 's' || k == 'x';
        }

        @Override
        public boolean isPassedIn(int nr, int i) {
            return kind(nr, i) == 's' && !name(nr).equals("read");
        }

        @Override
        public boolean isCounted(int nr, int i) {
            return isPassedIn(nr, i) && name(nr).equals("write");
        }

        @Override
        public boolean isFilled(int nr, int i) {
            return kind(nr, i) == 's' && name(nr).equals("read");
        }

        @Override
        public boolean isExit(int nr) {
            String n = name(nr);
            return n.equals("exit") || n.equals("exit_group");
        }

        @Override
        public String line(SyscallCall c) {
            return SyscallFormat.line(StraceFormat.record(this, c));
        }

        private static char kind(int nr, int i) {
            String k = SyscallFormat.kinds(nr);
            return k != null && i < k.length() ? k.charAt(i) : 0;
        }
    }

    /**
     * i386 Linux: kinds from {@code syscalls-i386.txt} — {@code s} a path and {@code b} a buffer the
     * caller writes (its length the next argument) are passed in; {@code B} a buffer the kernel fills;
     * {@code p S v e w t ?} are addresses; the rest are numbers (flags, fds, lengths), compared by value.
     */
    static final class Linux extends SyscallAbi {
        static final String NAME = "linux";
        private final LinuxSyscalls table;
        private final StraceText strace;

        Linux(LinuxSyscalls table) {
            this.table = table;
            this.strace = new StraceText(table);
        }

        @Override public String guest() { return NAME; }

        @Override public int argCount() { return LinuxSyscalls.MAX_ARGS; }

        @Override public String name(int nr) { return table.name(nr); }

        @Override public boolean randomizesBrk() { return true; }

        @Override public boolean hasAuxv() { return true; }

        private char kind(int nr, int i) {
            LinuxSyscalls.Call c = table.get(nr);
            return c == null || !c.implemented() || i >= c.argCount() ? 0 : c.kind(i);
        }

        @Override
        public boolean isUsed(int nr, int i) {
            return kind(nr, i) != 0;
        }

        @Override
        public boolean isPointer(int nr, int i) {
            return "sbBpSvewt?".indexOf(kind(nr, i)) >= 0 && kind(nr, i) != 0;
        }

        @Override
        public boolean isPassedIn(int nr, int i) {
            char k = kind(nr, i);
            return k == 's' || k == 'b';
        }

        @Override
        public boolean isCounted(int nr, int i) {
            return kind(nr, i) == 'b';
        }

        @Override
        public boolean isFilled(int nr, int i) {
            return kind(nr, i) == 'B';
        }

        @Override
        public boolean isExit(int nr) {
            LinuxSyscalls.Call c = table.get(nr);
            return c != null && (c.effect() == LinuxSyscalls.Effect.EXIT_GROUP || c.effect() == LinuxSyscalls.Effect.EXIT_THREAD);
        }

        @Override
        public String line(SyscallCall c) {
            byte[][] data = new byte[argCount()][];
            for (int i = 0; i < data.length; i++) {
                char k = kind(c.nr(), i);
                if (k == 's' || k == 'b') {
                    CallInput in = c.input(i);
                    if (in != null) data[i] = in.bytes();
                } else if (k == 'B' && c.returned() && c.result() >= 0) {
                    data[i] = StraceFormat.filled(c, i, Math.min(c.result(), StraceText.STRING_LIMIT));
                } else if (k == 'w' && c.returned()) {
                    data[i] = StraceFormat.filled(c, i, 4);
                }
            }
            LinuxCall.Outcome outcome = c.returned() ? LinuxCall.Outcome.RETURNED
                    : isExit(c.nr()) ? LinuxCall.Outcome.NO_RETURN : LinuxCall.Outcome.UNFINISHED;
            int[] args = Arrays.copyOf(c.args(), argCount());
            return strace.line(new LinuxCall(null, 0, 0, 0, c.nr(), args, 0, -1, outcome, c.result(), data, null));
        }

        @Override
        public String[] strings(SyscallCall c) {
            String[] out = new String[argCount()];
            for (int i = 0; i < out.length; i++) {
                char k = kind(c.nr(), i);
                byte[] b = null;
                if (k == 's' || k == 'b') {
                    CallInput in = c.input(i);
                    if (in != null) b = in.bytes();
                } else if (k == 'B' && c.returned() && c.result() >= 0) {
                    b = StraceFormat.filled(c, i, Math.min(c.result(), StraceText.STRING_LIMIT));
                }
                if (b != null) out[i] = StraceText.quote(b, k == 'B' ? Integer.toUnsignedLong(c.result()) : k == 'b' && i + 1 < out.length ? Integer.toUnsignedLong(c.arg(i + 1)) : b.length,
                        k == 's' ? Integer.MAX_VALUE : StraceText.STRING_LIMIT);
            }
            return out;
        }
    }
}
