package dev.kerf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.emulator.introspect.linux.LinuxCall;
import dev.kerf.emulator.introspect.linux.LinuxStrace;
import dev.kerf.emulator.introspect.linux.LinuxSyscallObserver;
import dev.kerf.emulator.introspect.linux.LinuxTask;
import dev.kerf.emulator.introspect.linux.StraceText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What the system-call ABI observer must see on a Linux recording, checked against what the guest
 * itself showed: its console, the statuses its shell reported. Used by LinuxSnapshotTest on the
 * scenarios recorded from the booted snapshot.
 */
final class LinuxSyscallChecks {
    static final int WRITE = 4, WAIT4 = 114, GETPID = 20, EXIT_GROUP = 252;

    private LinuxSyscallChecks() {}

    /** Every call is paired with its return, but exits and the calls of threads that died in the kernel or still wait at the end. */
    static void callsArePaired(LinuxStrace.Trace t) {
        LinuxSyscallObserver o = t.observer();
        StraceText text = new StraceText(o.table());
        assertThat(o.calls()).hasSizeGreaterThan(100);
        assertThat(o.unexplainedReturns()).isZero();
        long resumed = 0;
        for (LinuxCall c : o.calls()) {
            String line = c.task().label() + " " + text.line(c);
            switch (c.outcome()) {
                case RETURNED, EXECED -> assertThat(c.exitIcount()).as(line).isGreaterThan(c.entryIcount());
                case NO_RETURN -> assertThat(o.table().get(c.nr()).effect().name()).as(line).startsWith("EXIT");
                // died inside the call (a fatal signal: the page directory went to another process) or still waiting
                case UNFINISHED -> assertThat(c.task().end()).as(line).isIn(LinuxTask.End.ADDRESS_SPACE_REUSED, LinuxTask.End.NONE);
                case RESUMED -> {
                    assertThat(c.task().parent()).as(line).isNull(); // only a task alive at the start
                    resumed++;
                }
                case RESTARTED -> { }
            }
            if (c.nr() == GETPID && c.returned()) assertThat(c.result()).as(line).isEqualTo(c.task().pid());
        }
        assertThat(resumed).isLessThanOrEqualTo(o.tasks().stream().filter(x -> x.parent() == null).count());
    }

    /** fork/clone return the child's pid in the parent, and that child was seen with that pid. */
    static void forksReturnTheChildsPid(LinuxStrace.Trace t) {
        int forks = 0;
        for (LinuxCall c : t.observer().calls()) {
            String name = t.observer().table().name(c.nr());
            if (!List.of("fork", "vfork", "clone", "clone3").contains(name) || !c.returned()) continue;
            assertThat(c.result()).as("%s by %s", name, c.task()).isPositive();
            List<LinuxTask> children = t.observer().tasks().stream().filter(x -> x.parent() == c.task() && x.pid() == c.result()).toList();
            assertThat(children).as("the child of %s = %d", name, c.result()).hasSize(1);
            forks++;
        }
        assertThat(forks).isPositive();
        assertThat(t.observer().tasks().stream().filter(x -> x.parent() != null).count()).isEqualTo(forks);
    }

    /** Every line of the scenario's console (after /init's marker) is a whole line of one write(1 or 2, ...). */
    static void consoleLinesAreWrites(LinuxStrace.Trace t, String console) {
        List<String> written = new ArrayList<>();
        for (LinuxCall c : t.observer().calls()) {
            if (c.nr() == WRITE && (c.arg(0) == 1 || c.arg(0) == 2) && c.returned() && c.result() > 0 && c.bytes(1) != null) {
                written.add("\n" + new String(c.bytes(1), 0, c.result(), StandardCharsets.ISO_8859_1));
            }
        }
        String[] lines = console.split("\n");
        assertThat(lines.length).isGreaterThan(3);
        for (String line : lines) {
            assertThat(written.stream().anyMatch(w -> w.contains("\n" + line + "\n"))).as("a write(1 or 2, ...) with the console line %s", line).isTrue();
        }
    }

    /** The task that exec'd {@code argv}. */
    static LinuxTask execed(LinuxStrace.Trace t, String... argv) {
        List<LinuxTask> found = new ArrayList<>();
        for (LinuxCall c : t.observer().calls()) {
            if (c.outcome() == LinuxCall.Outcome.EXECED && List.of(argv).equals(c.argv())) found.add(c.task());
        }
        assertThat(found).as("execve of %s", List.of(argv)).hasSize(1);
        return found.get(0);
    }

    /** A process killed by a signal made no exit call, and its parent's wait4 got its pid with the signal in the status. */
    static void killedBySignal(LinuxStrace.Trace t, LinuxTask task, int signal) {
        for (LinuxCall c : t.observer().calls()) {
            assertThat(c.task() == task && c.nr() == EXIT_GROUP).as("an exit_group by %s", task).isFalse();
        }
        assertThat(task.end()).isIn(LinuxTask.End.NONE, LinuxTask.End.ADDRESS_SPACE_REUSED);
        boolean reaped = false;
        for (LinuxCall c : t.observer().calls()) {
            if (c.nr() == WAIT4 && c.returned() && c.result() == task.pid() && c.task() == task.parent()) {
                int status = java.nio.ByteBuffer.wrap(c.bytes(1)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
                assertThat(status & 0x7F).isEqualTo(signal);
                reaped = true;
            }
        }
        assertThat(reaped).as("wait4 of %s by its parent", task).isTrue();
    }

    static void exitedWith(LinuxTask task, int status) {
        assertThat(task.end()).as("%s", task).isEqualTo(LinuxTask.End.EXIT_GROUP);
        assertThat(task.exitStatus()).as("%s", task).isEqualTo(status);
    }
}
