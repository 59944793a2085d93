package dev.kerf.emulator.introspect.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The bundled table against facts of Linux 6.1's arch/x86/entry/syscalls/syscall_32.tbl. */
class LinuxSyscallsTest {
    private final LinuxSyscalls table = LinuxSyscalls.i386();

    @Test
    void wellKnownNumbersAreThoseOfTheKernelTable() {
        Object[][] known = {{0, "restart_syscall"}, {1, "exit"}, {2, "fork"}, {3, "read"}, {4, "write"}, {5, "open"},
                {6, "close"}, {7, "waitpid"}, {11, "execve"}, {20, "getpid"}, {37, "kill"}, {45, "brk"}, {54, "ioctl"},
                {90, "mmap"}, {114, "wait4"}, {119, "sigreturn"}, {120, "clone"}, {162, "nanosleep"}, {173, "rt_sigreturn"},
                {174, "rt_sigaction"}, {190, "vfork"}, {192, "mmap2"}, {195, "stat64"}, {220, "getdents64"}, {224, "gettid"},
                {240, "futex"}, {243, "set_thread_area"}, {252, "exit_group"}, {258, "set_tid_address"}, {265, "clock_gettime"},
                {295, "openat"}, {300, "fstatat64"}, {331, "pipe2"}, {355, "getrandom"}, {358, "execveat"}, {359, "socket"},
                {383, "statx"}, {386, "rseq"}, {393, "semget"}, {403, "clock_gettime64"}, {414, "ppoll_time64"},
                {416, "io_pgetevents_time64"}, {422, "futex_time64"}, {435, "clone3"}, {436, "close_range"}, {437, "openat2"},
                {447, "memfd_secret"}, {449, "futex_waitv"}, {450, "set_mempolicy_home_node"}};
        for (Object[] k : known) {
            assertThat(table.name((Integer) k[0])).as("number %s", k[0]).isEqualTo(k[1]);
            assertThat(table.number((String) k[1])).isEqualTo(k[0]);
        }
        assertThat(table.max()).isEqualTo(450);
    }

    @Test
    void everyNumberIsNamedOnceOrExplicitlyUnused() {
        Set<Integer> unused = new TreeSet<>(Set.of(222, 223, 251, 285, 387, 388, 389, 390, 391, 392, 415));
        Set<String> names = new HashSet<>();
        Set<Integer> missing = new TreeSet<>();
        for (int nr = 0; nr <= table.max(); nr++) {
            LinuxSyscalls.Call c = table.get(nr);
            if (c == null) {
                missing.add(nr);
                continue;
            }
            assertThat(c.nr()).isEqualTo(nr);
            assertThat(names.add(c.name())).as("%s named twice", c.name()).isTrue();
            assertThat(c.argCount()).isBetween(0, LinuxSyscalls.MAX_ARGS);
        }
        assertThat(missing).isEqualTo(unused);
        assertThat(table.get(-1)).isNull();
        assertThat(table.get(451)).isNull();
        assertThat(table.name(451)).isEqualTo("syscall_451");
        assertThat(table.name(-1)).isEqualTo("syscall_4294967295");
        // reserved numbers the kernel table lists without an entry point
        assertThat(table.get(17).implemented()).isFalse();
        assertThat(table.get(17).name()).isEqualTo("break");
        assertThat(table.get(3).implemented()).isTrue();
    }

    @Test
    void argumentKindsAndEffectsOfTheCallsTheObserverDecodes() {
        assertThat(table.get(3).kinds()).isEqualTo("fBu");
        assertThat(table.get(4).kinds()).isEqualTo("fbu");
        assertThat(table.get(295).kinds()).isEqualTo("asom");
        assertThat(table.get(11).kinds()).isEqualTo("sve");
        assertThat(table.get(192).argCount()).isEqualTo(6);
        assertThat(table.get(20).argCount()).isZero();
        assertThat(table.get(252).effect()).isEqualTo(LinuxSyscalls.Effect.EXIT_GROUP);
        assertThat(table.get(1).effect()).isEqualTo(LinuxSyscalls.Effect.EXIT_THREAD);
        assertThat(table.get(11).effect()).isEqualTo(LinuxSyscalls.Effect.EXEC);
        assertThat(table.get(358).effect()).isEqualTo(LinuxSyscalls.Effect.EXEC);
        assertThat(table.get(2).effect()).isEqualTo(LinuxSyscalls.Effect.FORK);
        assertThat(table.get(190).effect()).isEqualTo(LinuxSyscalls.Effect.VFORK);
        assertThat(table.get(120).effect()).isEqualTo(LinuxSyscalls.Effect.CLONE);
        assertThat(table.get(435).effect()).isEqualTo(LinuxSyscalls.Effect.CLONE3);
        assertThat(table.get(119).effect()).isEqualTo(LinuxSyscalls.Effect.SIGRETURN);
        assertThat(table.get(173).effect()).isEqualTo(LinuxSyscalls.Effect.SIGRETURN);
        assertThat(table.get(20).pidOfCaller()).isTrue();
        assertThat(table.get(224).tidOfCaller()).isTrue();
        assertThat(table.get(258).tidOfCaller()).isTrue();
        assertThat(table.get(45).hex()).isTrue();
        assertThat(table.get(192).hex()).isTrue();
        long effects = 0;
        for (int nr = 0; nr <= table.max(); nr++) {
            if (table.get(nr) != null && table.get(nr).effect() != LinuxSyscalls.Effect.NONE) effects++;
        }
        assertThat(effects).isEqualTo(10); // exit exit_group execve execveat fork vfork clone clone3 sigreturn rt_sigreturn
    }

    @Test
    void aDamagedTableIsRefusedNamingTheLine() {
        assertThatThrownBy(() -> LinuxSyscalls.parse(new BufferedReader(new StringReader("3 read fBu\n3 again -\n"))))
                .hasMessageContaining("syscalls-i386.txt:2").hasMessageContaining("not above 3");
        assertThatThrownBy(() -> LinuxSyscalls.parse(new BufferedReader(new StringReader("# c\n4 write fbZ\n"))))
                .hasMessageContaining("syscalls-i386.txt:2").hasMessageContaining("bad argument kinds");
        assertThatThrownBy(() -> LinuxSyscalls.parse(new BufferedReader(new StringReader("4 write fbu Q\n"))))
                .hasMessageContaining("unknown flag Q");
        assertThatThrownBy(() -> LinuxSyscalls.parse(new BufferedReader(new StringReader("4\n"))))
                .hasMessageContaining("expected NUMBER NAME KINDS");
    }
}
