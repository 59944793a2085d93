package dev.kerf.emulator.introspect.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** strace's spelling of calls, strings, errors and flags. */
class StraceTextTest {
    private final LinuxSyscalls table = LinuxSyscalls.i386();
    private final StraceText text = new StraceText(table);
    private final LinuxTask task = new LinuxTask(1, null, 0x1000, 0);

    private LinuxCall call(int nr, int[] args, LinuxCall.Outcome outcome, int result, byte[][] data, List<String> argv) {
        int[] six = java.util.Arrays.copyOf(args, 6);
        byte[][] d = java.util.Arrays.copyOf(data, 6);
        return new LinuxCall(task, 0x1000, 0x8048002, 0xbffff000, nr, six, 100, 200, outcome, result, d, argv);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void stringsAreQuotedAndCutAfter32BytesLikeStrace() {
        assertThat(StraceText.quote(b("hi\n"), 3, 32)).isEqualTo("\"hi\\n\"");
        byte[] escapes = b("tab\there \"q\" back\\slash\r\f\u000b");
        assertThat(StraceText.quote(escapes, escapes.length, 32))
                .isEqualTo("\"tab\\there \\\"q\\\" back\\\\slash\\r\\f\\v\"");
        // octal like strace: shortest form, three digits when an octal digit follows
        assertThat(StraceText.quote(new byte[] {0, 'a', 0, '1', 27, (byte) 0xFF}, 6, 32)).isEqualTo("\"\\0a\\0001\\33\\377\"");
        String forty = "0123456789012345678901234567890123456789";
        assertThat(StraceText.quote(b(forty), 40, 32)).isEqualTo("\"" + forty.substring(0, 32) + "\"...");
        assertThat(StraceText.quote(b(forty.substring(0, 32)), 32, 32)).isEqualTo("\"" + forty.substring(0, 32) + "\"");
        // fewer bytes captured than the call moved: still marked as cut
        assertThat(StraceText.quote(b("abc"), 4096, 32)).isEqualTo("\"abc\"...");
    }

    @Test
    void readWriteOpenAndErrorsAsStracePrintsThem() {
        assertThat(text.line(call(4, new int[] {1, 0x804a000, 3}, LinuxCall.Outcome.RETURNED, 3, new byte[][] {null, b("hi\n")}, null)))
                .isEqualTo("write(1, \"hi\\n\", 3) = 3");
        byte[] passwd = b("root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1::/:/bin/false\n");
        assertThat(text.line(call(3, new int[] {3, 0x804b000, 4096}, LinuxCall.Outcome.RETURNED, passwd.length, new byte[][] {null, passwd}, null)))
                .isEqualTo("read(3, \"root:x:0:0:root:/root:/bin/sh\\nda\"..., 4096) = " + passwd.length);
        assertThat(text.line(call(295, new int[] {-100, 0x804c000, 0100000, 0}, LinuxCall.Outcome.RETURNED, 3, new byte[][] {null, b("/etc/passwd")}, null)))
                .isEqualTo("openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_LARGEFILE) = 3");
        assertThat(text.line(call(5, new int[] {0x804c000, 01101, 0644}, LinuxCall.Outcome.RETURNED, 4, new byte[][] {b("/tmp/f")}, null)))
                .isEqualTo("open(\"/tmp/f\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 4");
        assertThat(text.line(call(5, new int[] {0x804c000, 0, 0}, LinuxCall.Outcome.RETURNED, -2, new byte[][] {b("/nope")}, null)))
                .isEqualTo("open(\"/nope\", O_RDONLY) = -1 ENOENT (No such file or directory)");
        // a failed read shows its buffer's address, not bytes
        assertThat(text.line(call(3, new int[] {9, 0x804b000, 16}, LinuxCall.Outcome.RETURNED, -9, new byte[][] {}, null)))
                .isEqualTo("read(9, 0x804b000, 16) = -1 EBADF (Bad file descriptor)");
        // a path the observer could not read is an address
        assertThat(text.line(call(10, new int[] {0x7000}, LinuxCall.Outcome.RETURNED, -14, new byte[][] {}, null)))
                .isEqualTo("unlink(0x7000) = -1 EFAULT (Bad address)");
    }

    @Test
    void processCallsExitsAndUnknownNumbers() {
        assertThat(text.line(call(252, new int[] {3}, LinuxCall.Outcome.NO_RETURN, 0, new byte[][] {}, null))).isEqualTo("exit_group(3) = ?");
        assertThat(text.line(call(11, new int[] {0x1000, 0x2000, 0x3000}, LinuxCall.Outcome.EXECED, 0,
                new byte[][] {b("/bin/buggy"), null, {2, 0, 0, 0}}, List.of("buggy", "/home/customer/orders.txt"))))
                .isEqualTo("execve(\"/bin/buggy\", [\"buggy\", \"/home/customer/orders.txt\"], 0x3000 /* 2 vars */) = 0");
        assertThat(text.line(call(120, new int[] {0x01200011, 0, 0, 0, 0xb7d1c768}, LinuxCall.Outcome.RETURNED, 274, new byte[][] {}, null)))
                .isEqualTo("clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0xb7d1c768) = 274");
        assertThat(text.line(call(114, new int[] {-1, 0xbf000000, 0, 0}, LinuxCall.Outcome.RETURNED, 92, new byte[][] {null, {11, 0, 0, 0}}, null)))
                .isEqualTo("wait4(-1, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV}], 0, NULL) = 92");
        assertThat(text.line(call(45, new int[] {0}, LinuxCall.Outcome.RETURNED, 0x9c45000, new byte[][] {}, null))).isEqualTo("brk(NULL) = 0x9c45000");
        assertThat(text.line(call(999, new int[] {1, 2, 0, 0, 0, 0}, LinuxCall.Outcome.RETURNED, -38, new byte[][] {}, null)))
                .isEqualTo("syscall_999(0x1, 0x2, 0x0, 0x0, 0x0, 0x0) = -1 ENOSYS (Function not implemented)");
        assertThat(text.line(call(3, new int[] {0, 0x804b000, 1}, LinuxCall.Outcome.UNFINISHED, 0, new byte[][] {}, null)))
                .isEqualTo("read(0, 0x804b000, 1) <unfinished ...>");
        LinuxCall resumed = new LinuxCall(task, 0x1000, 0x8048002, 0xbffff000, -1, new int[6], -1, 50, LinuxCall.Outcome.RESUMED, 35,
                new byte[6][], null);
        assertThat(text.line(resumed)).isEqualTo("<... resumed>) = 35");
        assertThat(text.signalLine(new LinuxSignal(task, 17, 5, 0x8049000))).isEqualTo("--- SIGCHLD ---");
    }

    @Test
    void flagsSignalsAndErrnoNames() {
        assertThat(StraceText.openFlags(0)).isEqualTo("O_RDONLY");
        assertThat(StraceText.openFlags(02 | 02000 | 02000000)).isEqualTo("O_RDWR|O_APPEND|O_CLOEXEC");
        assertThat(StraceText.openFlags(04010001)).isEqualTo("O_WRONLY|O_SYNC");
        assertThat(StraceText.openFlags(0200000 | 040000000)).isEqualTo("O_RDONLY|O_DIRECTORY|0x800000");
        assertThat(StraceText.cloneFlags(0x4111)).isEqualTo("CLONE_VM|CLONE_VFORK|SIGCHLD");
        assertThat(StraceText.cloneFlags(0)).isEqualTo("0");
        assertThat(StraceText.signal(11)).isEqualTo("SIGSEGV");
        assertThat(StraceText.signal(34)).isEqualTo("SIGRT_2");
        assertThat(StraceText.waitStatus(3 << 8)).isEqualTo("{WIFEXITED(s) && WEXITSTATUS(s) == 3}");
        assertThat(StraceText.waitStatus(0x8b)).isEqualTo("{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}");
        assertThat(text.line(call(192, new int[] {0, 8192, 3, 0x22, -1, 0}, LinuxCall.Outcome.RETURNED, 0xb7f00000, new byte[][] {}, null)))
                .isEqualTo("mmap2(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0xb7f00000");
        assertThat(text.line(call(125, new int[] {0x823a000, 16384, 1}, LinuxCall.Outcome.RETURNED, 0, new byte[][] {}, null)))
                .isEqualTo("mprotect(0x823a000, 16384, PROT_READ) = 0");
        assertThat(text.line(call(221, new int[] {3, 1030, 10}, LinuxCall.Outcome.RETURNED, 10, new byte[][] {}, null)))
                .isEqualTo("fcntl64(3, F_DUPFD_CLOEXEC, 10) = 10");
        assertThat(text.line(call(403, new int[] {1, 0xbfa16f5c}, LinuxCall.Outcome.RETURNED, 0, new byte[][] {}, null)))
                .isEqualTo("clock_gettime64(CLOCK_MONOTONIC, 0xbfa16f5c) = 0");
        assertThat(text.line(call(114, new int[] {-1, 0xbf000000, 1, 0}, LinuxCall.Outcome.RETURNED, -10, new byte[][] {}, null)))
                .isEqualTo("wait4(-1, 0xbf000000, WNOHANG, NULL) = -1 ECHILD (No child processes)");
        assertThat(text.line(call(175, new int[] {2, 0xbf000100, 0, 8}, LinuxCall.Outcome.RETURNED, 0, new byte[][] {}, null)))
                .isEqualTo("rt_sigprocmask(SIG_SETMASK, 0xbf000100, NULL, 8) = 0");
        assertThat(text.line(call(54, new int[] {0, 0x5413, 0xbf000200}, LinuxCall.Outcome.RETURNED, -25, new byte[][] {}, null)))
                .isEqualTo("ioctl(0, TIOCGWINSZ, 0xbf000200) = -1 ENOTTY (Inappropriate ioctl for device)");
        assertThat(StraceText.mapFlags(0x1 | 0x10 | 0x40000000)).isEqualTo("MAP_SHARED|MAP_FIXED|0x40000000");
        assertThat(text.errnoName(2)).isEqualTo("ENOENT");
        assertThat(text.errnoName(133)).isEqualTo("EHWPOISON");
        assertThat(text.errnoName(512)).isEqualTo("ERESTARTSYS");
        assertThat(text.errnoName(4000)).isEqualTo("E4000");
    }

    private static byte[] le(int... words) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * words.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int w : words) b.putInt(w);
        return b.array();
    }

    /** The lines Debian's strace 6.1 printed for a static glibc program's start on the Linux guest (examples/linux, scenario strace). */
    @Test
    void aStaticGlibcProgramsStartAsStracePrintsIt() {
        // set_thread_area: the user_desc at entry; the entry number the kernel chose after the result
        byte[] desc = le(-1, 0x9177380, 0xfffff, 0x51, 6);
        assertThat(text.line(call(243, new int[] {0xbf8e4000}, LinuxCall.Outcome.RETURNED, 0, new byte[][] {desc}, null)))
                .isEqualTo("set_thread_area({entry_number=-1, base_addr=0x9177380, limit=0x0fffff, seg_32bit=1, contents=0,"
                        + " read_exec_only=0, limit_in_pages=1, seg_not_present=0, useable=1}) = 0 (entry_number=6)");
        assertThat(text.line(call(191, new int[] {3, 0xbf8e4000}, LinuxCall.Outcome.RETURNED, 0, new byte[][] {null, le(8 << 20, -1)}, null)))
                .isEqualTo("ugetrlimit(RLIMIT_STACK, {rlim_cur=8192*1024, rlim_max=RLIM_INFINITY}) = 0");
        assertThat(text.line(call(403, new int[] {1, 0xbf8e4000}, LinuxCall.Outcome.RETURNED, 0, new byte[][] {null, le(4, 0, 308860301, 0)}, null)))
                .isEqualTo("clock_gettime64(CLOCK_MONOTONIC, {tv_sec=4, tv_nsec=308860301}) = 0");
        assertThat(text.line(call(355, new int[] {0x80efaa8, 4, 1}, LinuxCall.Outcome.RETURNED, -11, new byte[][] {}, null)))
                .isEqualTo("getrandom(0x80efaa8, 4, GRND_NONBLOCK) = -1 EAGAIN (Resource temporarily unavailable)");
        assertThat(text.line(call(386, new int[] {0x9177820, 0x20, 0, 0x53053053}, LinuxCall.Outcome.RETURNED, 0, new byte[][] {}, null)))
                .isEqualTo("rseq(0x9177820, 0x20, 0, 0x53053053) = 0");
        // structures the observer could not read are their addresses
        assertThat(text.line(call(191, new int[] {7, 0xbf8e4000}, LinuxCall.Outcome.RETURNED, -14, new byte[][] {}, null)))
                .isEqualTo("ugetrlimit(RLIMIT_NOFILE, 0xbf8e4000) = -1 EFAULT (Bad address)");
        assertThat(StraceText.rlim(1024)).isEqualTo("1024");
        assertThat(StraceText.rlim(4096)).isEqualTo("4*1024");
    }

    @Test
    void faultsAndEndsAsStracePrintsThem() {
        assertThat(StraceText.faultSignalLine(11, 14, 4, 0x80496c6, 0x746e4920))
                .isEqualTo("--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x746e4920} ---");
        assertThat(StraceText.faultSignalLine(11, 14, 7, 0x80496c6, 0x8048000))
                .isEqualTo("--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_ACCERR, si_addr=0x8048000} ---");
        assertThat(StraceText.faultSignalLine(11, 13, 0, 0x80496c6, 0)).isEqualTo("--- SIGSEGV {si_signo=SIGSEGV, si_code=SI_KERNEL, si_addr=NULL} ---");
        assertThat(StraceText.faultSignalLine(8, 0, -1, 0x80496c6, 0)).isEqualTo("--- SIGFPE {si_signo=SIGFPE, si_code=FPE_INTDIV, si_addr=0x80496c6} ---");
        assertThat(StraceText.faultSignalLine(6, 14, 4, 0x80496c6, 0)).isEqualTo("--- SIGABRT ---");
        assertThat(StraceText.endLine(0)).isEqualTo("+++ exited with 0 +++");
        assertThat(StraceText.endLine(3 << 8)).isEqualTo("+++ exited with 3 +++");
        assertThat(StraceText.endLine(11)).isEqualTo("+++ killed by SIGSEGV +++");
        assertThat(StraceText.endLine(0x80 | 6)).isEqualTo("+++ killed by SIGABRT (core dumped) +++");
    }
}
