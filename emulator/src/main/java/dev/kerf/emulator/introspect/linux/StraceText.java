package dev.kerf.emulator.introspect.linux;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Formats observed calls the way strace prints them: {@code openat(AT_FDCWD, "/etc/passwd",
 * O_RDONLY|O_LARGEFILE) = 3}, {@code read(3, "root:x:0:0:"..., 4096) = 512}, {@code -1 ENOENT (No
 * such file or directory)}, buffers cut after {@value #STRING_LIMIT} bytes with {@code ...}
 * (strace's default {@code -s 32}), paths in full. Where kerf shows less than strace (structures
 * as addresses, the kind of restart) docs/linux.md lists it.
 */
public final class StraceText {
    /** strace's default string limit ({@code -s 32}). */
    public static final int STRING_LIMIT = 32;
    private static final int O_CREAT = 0100, O_TMPFILE = 020000000 | 0200000;
    private static final String[] SIGNALS = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
            "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
            "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
            "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};
    /** open(2) flags beyond the access mode, in strace's order. */
    private static final Object[][] OPEN_FLAGS = {{O_CREAT, "O_CREAT"}, {0200, "O_EXCL"}, {0400, "O_NOCTTY"},
            {01000, "O_TRUNC"}, {02000, "O_APPEND"}, {04000, "O_NONBLOCK"}, {04010000, "O_SYNC"}, {010000, "O_DSYNC"},
            {020000, "O_ASYNC"}, {040000, "O_DIRECT"}, {0100000, "O_LARGEFILE"}, {020200000, "O_TMPFILE"},
            {0200000, "O_DIRECTORY"}, {0400000, "O_NOFOLLOW"}, {01000000, "O_NOATIME"}, {02000000, "O_CLOEXEC"},
            {010000000, "O_PATH"}};
    private static final String[] CLONE_FLAGS = {"CLONE_VM", "CLONE_FS", "CLONE_FILES", "CLONE_SIGHAND",
            "CLONE_PIDFD", "CLONE_PTRACE", "CLONE_VFORK", "CLONE_PARENT", "CLONE_THREAD", "CLONE_NEWNS",
            "CLONE_SYSVSEM", "CLONE_SETTLS", "CLONE_PARENT_SETTID", "CLONE_CHILD_CLEARTID", "CLONE_DETACHED",
            "CLONE_UNTRACED", "CLONE_CHILD_SETTID", "CLONE_NEWCGROUP", "CLONE_NEWUTS", "CLONE_NEWIPC",
            "CLONE_NEWUSER", "CLONE_NEWPID", "CLONE_NEWNET", "CLONE_IO"};

    private static final Map<Integer, String> PROT = Map.of(1, "PROT_READ", 2, "PROT_WRITE", 4, "PROT_EXEC", 8, "PROT_SEM",
            0x01000000, "PROT_GROWSDOWN", 0x02000000, "PROT_GROWSUP");
    private static final Map<Integer, String> MAP = Map.ofEntries(Map.entry(0x10, "MAP_FIXED"), Map.entry(0x20, "MAP_ANONYMOUS"),
            Map.entry(0x100, "MAP_GROWSDOWN"), Map.entry(0x800, "MAP_DENYWRITE"), Map.entry(0x1000, "MAP_EXECUTABLE"),
            Map.entry(0x2000, "MAP_LOCKED"), Map.entry(0x4000, "MAP_NORESERVE"), Map.entry(0x8000, "MAP_POPULATE"),
            Map.entry(0x10000, "MAP_NONBLOCK"), Map.entry(0x20000, "MAP_STACK"), Map.entry(0x40000, "MAP_HUGETLB"),
            Map.entry(0x80000, "MAP_SYNC"), Map.entry(0x100000, "MAP_FIXED_NOREPLACE"));
    private static final Map<Integer, String> FCNTL = Map.ofEntries(Map.entry(0, "F_DUPFD"), Map.entry(1, "F_GETFD"),
            Map.entry(2, "F_SETFD"), Map.entry(3, "F_GETFL"), Map.entry(4, "F_SETFL"), Map.entry(5, "F_GETLK"),
            Map.entry(6, "F_SETLK"), Map.entry(7, "F_SETLKW"), Map.entry(8, "F_SETOWN"), Map.entry(9, "F_GETOWN"),
            Map.entry(10, "F_SETSIG"), Map.entry(11, "F_GETSIG"), Map.entry(12, "F_GETLK64"), Map.entry(13, "F_SETLK64"),
            Map.entry(14, "F_SETLKW64"), Map.entry(1024, "F_SETLEASE"), Map.entry(1025, "F_GETLEASE"),
            Map.entry(1026, "F_NOTIFY"), Map.entry(1030, "F_DUPFD_CLOEXEC"), Map.entry(1031, "F_SETPIPE_SZ"),
            Map.entry(1032, "F_GETPIPE_SZ"));
    private static final Map<Integer, String> CLOCKS = Map.ofEntries(Map.entry(0, "CLOCK_REALTIME"),
            Map.entry(1, "CLOCK_MONOTONIC"), Map.entry(2, "CLOCK_PROCESS_CPUTIME_ID"), Map.entry(3, "CLOCK_THREAD_CPUTIME_ID"),
            Map.entry(4, "CLOCK_MONOTONIC_RAW"), Map.entry(5, "CLOCK_REALTIME_COARSE"), Map.entry(6, "CLOCK_MONOTONIC_COARSE"),
            Map.entry(7, "CLOCK_BOOTTIME"), Map.entry(8, "CLOCK_REALTIME_ALARM"), Map.entry(9, "CLOCK_BOOTTIME_ALARM"),
            Map.entry(11, "CLOCK_TAI"));
    private static final Map<Integer, String> WAIT = Map.of(1, "WNOHANG", 2, "WSTOPPED", 8, "WCONTINUED",
            0x20000000, "__WNOTHREAD", 0x40000000, "__WALL", 0x80000000, "__WCLONE");
    private static final Map<Integer, String> HOW = Map.of(0, "SIG_BLOCK", 1, "SIG_UNBLOCK", 2, "SIG_SETMASK");
    private static final Map<Integer, String> IOCTL = Map.ofEntries(Map.entry(0x5401, "TCGETS"), Map.entry(0x5402, "TCSETS"),
            Map.entry(0x5403, "TCSETSW"), Map.entry(0x5404, "TCSETSF"), Map.entry(0x540F, "TIOCGPGRP"),
            Map.entry(0x5410, "TIOCSPGRP"), Map.entry(0x5413, "TIOCGWINSZ"), Map.entry(0x5414, "TIOCSWINSZ"),
            Map.entry(0x541B, "FIONREAD"), Map.entry(0x5421, "FIONBIO"));
    private static final Map<Integer, String> GRND = Map.of(1, "GRND_NONBLOCK", 2, "GRND_RANDOM", 4, "GRND_INSECURE");
    private static final String[] RLIMITS = {"RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE",
            "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
            "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME"};

    private final LinuxSyscalls table;
    private final Map<Integer, String[]> errnos;

    public StraceText(LinuxSyscalls table) {
        this.table = table;
        this.errnos = readErrnos();
    }

    private static Map<Integer, String[]> readErrnos() {
        Map<Integer, String[]> m = new TreeMap<>();
        try (InputStream in = StraceText.class.getResourceAsStream("errno.txt")) {
            if (in == null) throw new IllegalStateException("resource errno.txt is missing from the build");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split(" ", 3);
                m.put(Integer.parseInt(f[0]), new String[] {f[1], f[2]});
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /** The errno's name ({@code ENOENT}), or {@code E<n>} for one Linux does not define. */
    public String errnoName(int e) {
        String[] d = errnos.get(e);
        return d == null ? "E" + e : d[0];
    }

    /** strace's line for {@code call}, without a pid prefix. */
    public String line(LinuxCall call) {
        if (call.outcome() == LinuxCall.Outcome.RESUMED) return "<... resumed>) = " + result(call, null);
        LinuxSyscalls.Call c = table.get(call.nr());
        StringBuilder b = new StringBuilder(table.name(call.nr())).append('(').append(arguments(call, c)).append(')');
        return switch (call.outcome()) {
            case NO_RETURN -> b.append(" = ?").toString();
            case UNFINISHED -> b.append(" <unfinished ...>").toString();
            case RESTARTED -> b.append(" = ? (interrupted by a signal, restarted)").toString();
            case EXECED -> b.append(" = 0").toString();
            default -> b.append(" = ").append(result(call, c)).append(resultNote(call, c)).toString();
        };
    }

    /** {@code --- SIGCHLD ---} as strace marks a signal delivery (without its siginfo). */
    public String signalLine(LinuxSignal s) {
        return "--- " + signal(s.signal()) + " ---";
    }

    /**
     * strace's line for a signal raised by a user exception: {@code --- SIGSEGV {si_signo=SIGSEGV,
     * si_code=SEGV_MAPERR, si_addr=0x746e4920} ---}. The si_code comes from the exception as the
     * kernel's handlers choose it: a page fault on a page that is not present is SEGV_MAPERR (no
     * mapping there), one on a present page SEGV_ACCERR; #GP is SI_KERNEL with no address; a divide
     * error FPE_INTDIV and an invalid opcode ILL_ILLOPN at the instruction. Others: the name alone.
     */
    public static String faultSignalLine(int sig, int vector, int errorCode, int eip, int cr2) {
        String info = switch (vector) {
            case 14 -> sig == 11 ? "si_code=" + ((errorCode & 1) == 0 ? "SEGV_MAPERR" : "SEGV_ACCERR") + ", si_addr=" + pointer(cr2) : null;
            case 13 -> sig == 11 ? "si_code=SI_KERNEL, si_addr=NULL" : null;
            case 0 -> sig == 8 ? "si_code=FPE_INTDIV, si_addr=" + pointer(eip) : null;
            case 6 -> sig == 4 ? "si_code=ILL_ILLOPN, si_addr=" + pointer(eip) : null;
            default -> null;
        };
        return "--- " + signal(sig) + (info == null ? "" : " {si_signo=" + signal(sig) + ", " + info + "}") + " ---";
    }

    /** strace's last line for a process: {@code +++ exited with 0 +++} or {@code +++ killed by SIGSEGV +++}, from its wait status. */
    public static String endLine(int waitStatus) {
        int sig = waitStatus & 0x7F;
        if (sig == 0) return "+++ exited with " + ((waitStatus >> 8) & 0xFF) + " +++";
        return "+++ killed by " + signal(sig) + ((waitStatus & 0x80) != 0 ? " (core dumped)" : "") + " +++";
    }

    private String result(LinuxCall call, LinuxSyscalls.Call c) {
        int r = call.result();
        if (r < 0 && r >= -4095) {
            String[] d = errnos.get(-r);
            return d == null ? "-1 E" + -r + " (Unknown error " + -r + ")" : "-1 " + d[0] + " (" + d[1] + ")";
        }
        if (c != null && c.hex()) return hex(r);
        return Integer.toString(r);
    }

    /** What strace adds after a result: set_thread_area's chosen entry ({@code = 0 (entry_number=6)}). */
    private static String resultNote(LinuxCall call, LinuxSyscalls.Call c) {
        if (c == null || call.failed()) return "";
        for (int i = 0; i < c.argCount(); i++) {
            byte[] d = call.bytes(i);
            if (c.kind(i) == 'U' && d != null && d.length == 20 && LinuxSyscallObserver.le32(d, 0) == -1) {
                return " (entry_number=" + LinuxSyscallObserver.le32(d, 16) + ")";
            }
        }
        return "";
    }

    private String arguments(LinuxCall call, LinuxSyscalls.Call c) {
        if (c == null) { // strace shows an unknown call's six registers in hex
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < LinuxSyscalls.MAX_ARGS; i++) b.append(i == 0 ? "" : ", ").append(hex(call.arg(i)));
            return b.toString();
        }
        if (c.effect() == LinuxSyscalls.Effect.CLONE) return cloneArguments(call);
        StringBuilder b = new StringBuilder();
        int n = c.argCount();
        for (int i = 0; i < n; i++) {
            char k = c.kind(i);
            if (k == 'm' && i > 0 && c.kind(i - 1) == 'o' && (call.arg(i - 1) & O_TMPFILE) == 0 && (call.arg(i - 1) & O_CREAT) == 0) {
                continue; // strace shows open's mode only when it is used
            }
            if (i > 0) b.append(", ");
            b.append(argument(call, i, k));
        }
        return b.toString();
    }

    private String argument(LinuxCall call, int i, char k) {
        int a = call.arg(i);
        byte[] d = call.bytes(i);
        return switch (k) {
            case 'd', 'f' -> Integer.toString(a);
            case 'u' -> Integer.toUnsignedString(a);
            case 'a' -> a == -100 ? "AT_FDCWD" : Integer.toString(a);
            case 'p' -> pointer(a);
            case 's' -> a == 0 ? "NULL" : d == null ? hex(a) : quote(d, d.length, Integer.MAX_VALUE);
            case 'b' -> d == null ? pointer(a) : quote(d, Integer.toUnsignedLong(call.arg(i + 1)), STRING_LIMIT);
            case 'B' -> d == null || call.failed() ? pointer(a) : quote(d, Integer.toUnsignedLong(call.result()), STRING_LIMIT);
            case 'o' -> openFlags(a);
            case 'm' -> a == 0 ? "000" : "0" + Integer.toOctalString(a);
            case 'v' -> call.argv() == null ? pointer(a) : stringArray(call.argv());
            case 'e' -> d == null ? pointer(a) : hex(a) + " /* " + LinuxSyscallObserver.le32(d, 0) + " vars */";
            case 'k' -> signal(a);
            case 'w' -> d == null ? pointer(a) : "[" + waitStatus(LinuxSyscallObserver.le32(d, 0)) + "]";
            case 't' -> d == null ? pointer(a) : "{tv_sec=" + LinuxSyscallObserver.le32(d, 0) + ", tv_nsec=" + LinuxSyscallObserver.le32(d, 4) + "}";
            case 'c' -> cloneFlags(a);
            case 'P' -> a == 0 ? "PROT_NONE" : bits(a, PROT);
            case 'M' -> mapFlags(a);
            case 'C' -> named(a, FCNTL);
            case 'K' -> named(a, CLOCKS);
            case 'W' -> a == 0 ? "0" : bits(a, WAIT);
            case 'h' -> named(a, HOW);
            case 'i' -> named(a, IOCTL);
            case 'g' -> a == 0 ? "0" : bits(a, GRND);
            case 'r' -> a >= 0 && a < RLIMITS.length ? RLIMITS[a] : Integer.toString(a);
            case 'L' -> d == null || d.length < 8 ? pointer(a)
                    : "{rlim_cur=" + rlim(LinuxSyscallObserver.le32(d, 0)) + ", rlim_max=" + rlim(LinuxSyscallObserver.le32(d, 4)) + "}";
            case 'T' -> d == null || d.length < 16 ? pointer(a)
                    : "{tv_sec=" + le64(d, 0) + ", tv_nsec=" + le64(d, 8) + "}";
            case 'U' -> d == null || d.length < 16 ? pointer(a) : userDesc(d);
            default -> a == 0 ? "0" : hex(a); // strace prints empty flags as 0
        };
    }

    /** strace's 32-bit rlimit value: {@code RLIM_INFINITY}, {@code 8192*1024}, or the number. */
    static String rlim(int v) {
        if (v == -1) return "RLIM_INFINITY";
        long u = Integer.toUnsignedLong(v);
        return u > 1024 && u % 1024 == 0 ? (u / 1024) + "*1024" : Long.toString(u);
    }

    private static long le64(byte[] d, int at) {
        return Integer.toUnsignedLong(LinuxSyscallObserver.le32(d, at)) | (long) LinuxSyscallObserver.le32(d, at + 4) << 32;
    }

    /** struct user_desc as strace prints it at entry ({@code limit} with C's {@code %#08x}). */
    static String userDesc(byte[] d) {
        int flags = LinuxSyscallObserver.le32(d, 12);
        String limit = Integer.toHexString(LinuxSyscallObserver.le32(d, 8));
        while (limit.length() < 6) limit = "0" + limit;
        int base = LinuxSyscallObserver.le32(d, 4);
        return "{entry_number=" + LinuxSyscallObserver.le32(d, 0) + ", base_addr=" + (base == 0 ? "0" : hex(base))
                + ", limit=0x" + limit + ", seg_32bit=" + (flags & 1) + ", contents=" + ((flags >> 1) & 3)
                + ", read_exec_only=" + ((flags >> 3) & 1) + ", limit_in_pages=" + ((flags >> 4) & 1)
                + ", seg_not_present=" + ((flags >> 5) & 1) + ", useable=" + ((flags >> 6) & 1) + "}";
    }

    private String cloneArguments(LinuxCall call) {
        int flags = call.arg(0);
        StringBuilder b = new StringBuilder("child_stack=").append(pointer(call.arg(1))).append(", flags=").append(cloneFlags(flags));
        if ((flags & 0x100000) != 0) b.append(", parent_tid=").append(pointer(call.arg(2)));
        if ((flags & 0x80000) != 0) b.append(", tls=").append(pointer(call.arg(3)));
        if ((flags & (0x200000 | 0x1000000)) != 0) b.append(", child_tidptr=").append(pointer(call.arg(4)));
        return b.toString();
    }

    /** {@code CLONE_VM|CLONE_VFORK|SIGCHLD}: flag names, then the exit signal. */
    public static String cloneFlags(int flags) {
        StringBuilder b = new StringBuilder();
        for (int bit = 8; bit < 32; bit++) {
            if ((flags & (1 << bit)) != 0) b.append(b.length() == 0 ? "" : "|").append(CLONE_FLAGS[bit - 8]);
        }
        int sig = flags & 0xFF;
        if (sig != 0) b.append(b.length() == 0 ? "" : "|").append(signal(sig));
        return b.length() == 0 ? "0" : b.toString();
    }

    /** {@code O_RDONLY|O_CREAT|O_LARGEFILE}, unknown bits in hex at the end. */
    public static String openFlags(int flags) {
        StringBuilder b = new StringBuilder(switch (flags & 3) {
            case 0 -> "O_RDONLY";
            case 1 -> "O_WRONLY";
            case 2 -> "O_RDWR";
            default -> "O_ACCMODE";
        });
        int rest = flags & ~3;
        for (Object[] f : OPEN_FLAGS) {
            int bits = (Integer) f[0];
            if ((rest & bits) == bits) {
                b.append('|').append(f[1]);
                rest &= ~bits;
            }
        }
        if (rest != 0) b.append('|').append(hex(rest));
        return b.toString();
    }

    /** mmap's flags: the mapping type, then the rest, as strace ({@code MAP_PRIVATE|MAP_ANONYMOUS}). */
    public static String mapFlags(int flags) {
        String type = switch (flags & 0xF) {
            case 1 -> "MAP_SHARED";
            case 2 -> "MAP_PRIVATE";
            case 3 -> "MAP_SHARED_VALIDATE";
            default -> hex(flags & 0xF);
        };
        int rest = flags & ~0xF;
        return rest == 0 ? type : type + "|" + bits(rest, MAP);
    }

    /** Named bits in ascending order, unknown ones in hex at the end. */
    private static String bits(int value, Map<Integer, String> names) {
        StringBuilder b = new StringBuilder();
        int rest = value;
        for (int bit = 0; bit < 32; bit++) {
            String n = names.get(1 << bit);
            if (n != null && (value & (1 << bit)) != 0) {
                b.append(b.length() == 0 ? "" : "|").append(n);
                rest &= ~(1 << bit);
            }
        }
        if (rest != 0) b.append(b.length() == 0 ? "" : "|").append(hex(rest));
        return b.toString();
    }

    private static String named(int value, Map<Integer, String> names) {
        String n = names.get(value);
        return n != null ? n : value >= 0 && value < 4096 ? Integer.toString(value) : hex(value);
    }

    /** {@code SIGSEGV}; numbers above 31 as {@code SIGRT_n}, like strace. */
    public static String signal(int sig) {
        if (sig > 0 && sig < SIGNALS.length) return SIGNALS[sig];
        if (sig >= 32 && sig <= 64) return "SIGRT_" + (sig - 32);
        return Integer.toString(sig);
    }

    /** strace's wait status: {@code {WIFEXITED(s) && WEXITSTATUS(s) == 3}}. */
    public static String waitStatus(int s) {
        int sig = s & 0x7F;
        if (sig == 0) return "{WIFEXITED(s) && WEXITSTATUS(s) == " + ((s >> 8) & 0xFF) + "}";
        if (sig == 0x7F) return "{WIFSTOPPED(s) && WSTOPSIG(s) == " + signal((s >> 8) & 0xFF) + "}";
        return "{WIFSIGNALED(s) && WTERMSIG(s) == " + signal(sig) + ((s & 0x80) != 0 ? " && WCOREDUMP(s)}" : "}");
    }

    private static String stringArray(List<String> strings) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < strings.size(); i++) {
            byte[] s = strings.get(i).getBytes(StandardCharsets.ISO_8859_1);
            b.append(i == 0 ? "" : ", ").append(quote(s, s.length, STRING_LIMIT));
        }
        return b.append(']').toString();
    }

    /**
     * strace's quoted string of {@code length} guest bytes of which {@code bytes} were read: at most
     * {@code limit} shown, then {@code ...} when more exist. Escapes as strace: {@code \n \t \r \v \f
     * \" \\}, other non-printables in octal ({@code \0}, {@code \33}, {@code \377}), with three digits
     * when a digit follows.
     */
    public static String quote(byte[] bytes, long length, int limit) {
        int shown = (int) Math.min(Math.min(bytes.length, length), limit);
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < shown; i++) {
            int c = bytes[i] & 0xFF;
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case 0x0B -> b.append("\\v");
                case '\f' -> b.append("\\f");
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c >= 0x20 && c < 0x7F) {
                        b.append((char) c);
                    } else {
                        boolean digitNext = i + 1 < shown && bytes[i + 1] >= '0' && bytes[i + 1] <= '7';
                        String oct = Integer.toOctalString(c);
                        b.append('\\').append(digitNext ? "000".substring(oct.length()) + oct : oct);
                    }
                }
            }
        }
        b.append('"');
        if (length > shown) b.append("...");
        return b.toString();
    }

    private static String pointer(int a) {
        return a == 0 ? "NULL" : hex(a);
    }

    private static String hex(int a) {
        return "0x" + Integer.toHexString(a);
    }
}
