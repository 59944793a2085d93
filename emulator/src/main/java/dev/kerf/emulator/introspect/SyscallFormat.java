package dev.kerf.emulator.introspect;

/**
 * Names and argument kinds of the kerf guest's system calls (Linux i386 numbers, docs/guest.md),
 * and the strace-style line: {@code read(0, "get alice\n", 128) = 10}. An argument kind is one
 * letter per argument: {@code d} signed decimal, {@code x} hex pointer, {@code s} a string or
 * buffer the tracker decoded (hex when it could not).
 */
public final class SyscallFormat {
    private SyscallFormat() {}

    /** The call's name, or {@code syscall_NR} for a number the guest does not know. */
    public static String name(int nr) {
        String[] d = describe(nr);
        return d == null ? "syscall_" + nr : d[0];
    }

    /** Argument kinds, or null for an unknown number (then all five are shown in hex). */
    public static String kinds(int nr) {
        String[] d = describe(nr);
        return d == null ? null : d[1];
    }

    private static String[] describe(int nr) {
        return switch (nr) {
            case 1 -> new String[] {"exit", "d"};
            case 2 -> new String[] {"fork", ""};
            case 3 -> new String[] {"read", "dsd"};
            case 4 -> new String[] {"write", "dsd"};
            case 5 -> new String[] {"open", "sxx"};
            case 6 -> new String[] {"close", "d"};
            case 7 -> new String[] {"waitpid", "dxd"};
            case 8 -> new String[] {"creat", "sx"};
            case 10 -> new String[] {"unlink", "s"};
            case 11 -> new String[] {"execve", "sxx"};
            case 13 -> new String[] {"time", "x"};
            case 19 -> new String[] {"lseek", "ddd"};
            case 20 -> new String[] {"getpid", ""};
            case 37 -> new String[] {"kill", "dd"};
            case 39 -> new String[] {"mkdir", "sx"};
            case 41 -> new String[] {"dup", "d"};
            case 42 -> new String[] {"pipe", "x"};
            case 45 -> new String[] {"brk", "x"};
            case 48 -> new String[] {"signal", "dx"};
            case 54 -> new String[] {"ioctl", "dxx"};
            case 63 -> new String[] {"dup2", "dd"};
            case 64 -> new String[] {"getppid", ""};
            case 108 -> new String[] {"fstat", "dx"};
            case 122 -> new String[] {"uname", "x"};
            case 158 -> new String[] {"sched_yield", ""};
            case 162 -> new String[] {"nanosleep", "xx"};
            case 220 -> new String[] {"getdents64", "dxd"};
            case 252 -> new String[] {"exit_group", "d"};
            case 500 -> new String[] {"kerf_ps", "xd"};
            default -> null;
        };
    }

    /** {@code name(args) = result}, with {@code ?} for a call that did not return. */
    public static String line(SyscallRecord call) {
        StringBuilder b = new StringBuilder(name(call.nr())).append('(');
        String kinds = kinds(call.nr());
        int n = kinds == null ? call.args().length : kinds.length();
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(", ");
            char k = kinds == null ? 'x' : kinds.charAt(i);
            String s = call.string(i);
            if (k == 's' && s != null) b.append(s);
            else if (k == 'd') b.append(call.arg(i));
            else b.append("0x").append(Integer.toHexString(call.arg(i)));
        }
        b.append(") = ");
        if (!call.returned()) return b.append('?').toString();
        b.append(call.result());
        if (call.result() < 0 && call.result() >= -133) b.append(' ').append(errno(-call.result()));
        return b.toString();
    }

    private static String errno(int e) {
        return switch (e) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 3 -> "ESRCH";
            case 4 -> "EINTR";
            case 5 -> "EIO";
            case 9 -> "EBADF";
            case 10 -> "ECHILD";
            case 11 -> "EAGAIN";
            case 12 -> "ENOMEM";
            case 13 -> "EACCES";
            case 14 -> "EFAULT";
            case 17 -> "EEXIST";
            case 20 -> "ENOTDIR";
            case 21 -> "EISDIR";
            case 22 -> "EINVAL";
            case 24 -> "EMFILE";
            case 25 -> "ENOTTY";
            case 27 -> "EFBIG";
            case 28 -> "ENOSPC";
            case 29 -> "ESPIPE";
            case 32 -> "EPIPE";
            case 36 -> "ENAMETOOLONG";
            case 38 -> "ENOSYS";
            case 39 -> "ENOTEMPTY";
            default -> "E" + e;
        };
    }

    /** A C-style quoted string of guest bytes, {@code ...} after it when {@code truncated}. */
    public static String quote(byte[] bytes, boolean truncated) {
        StringBuilder b = new StringBuilder("\"");
        for (byte x : bytes) {
            int c = x & 0xFF;
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c >= 0x20 && c < 0x7F) b.append((char) c);
                    else b.append(String.format("\\x%02x", c));
                }
            }
        }
        b.append('"');
        if (truncated) b.append("...");
        return b.toString();
    }

    /**
     * The bytes {@code quoted} stands for: the inverse of {@link #quote} (with or without its
     * {@code ...} suffix), or null when {@code quoted} is not such a string.
     */
    public static byte[] unquote(String quoted) {
        String q = quoted.endsWith("\"...") ? quoted.substring(0, quoted.length() - 3) : quoted;
        if (q.length() < 2 || q.charAt(0) != '"' || q.charAt(q.length() - 1) != '"') return null;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(q.length());
        for (int i = 1; i < q.length() - 1; i++) {
            char c = q.charAt(i);
            if (c != '\\') {
                if (c > 0xFF) return null;
                out.write(c);
                continue;
            }
            if (++i >= q.length() - 1) return null;
            switch (q.charAt(i)) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case '"' -> out.write('"');
                case '\\' -> out.write('\\');
                case 'x' -> {
                    if (i + 2 >= q.length() - 1) return null;
                    try {
                        out.write(Integer.parseInt(q.substring(i + 1, i + 3), 16));
                    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                        return null;
                    }
                    i += 2;
                }
                default -> { return null; }
            }
        }
        return out.toByteArray();
    }
}
