package dev.kerf.emulator.introspect;

import dev.kerf.emulator.machine.RunResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 5 must-show 1 and 2 on a live virtual-clock run of {@code scenario=bugreport debug=syscalls}:
 * the tracker names the processes with the pids the guest printed, finds buggy's fault, and its
 * system calls equal the kernel's own debug log call for call.
 */
class BugreportIntrospectionTest {
    private static final Pattern SYS = Pattern.compile(
            "\\[sys\\] (\\d+) (\\S+) (\\d+) \\(([0-9a-f]+), ([0-9a-f]+), ([0-9a-f]+), ([0-9a-f]+), ([0-9a-f]+)\\) = (-?\\d+|\\?)\n");
    private static final Pattern PS_LINE = Pattern.compile("(?m)^ +(\\d+) +(\\d+) (\\S+)$");
    private static GuestRun run;

    @BeforeAll
    static void runTheScenario() throws Exception {
        run = GuestRun.of("scenario=bugreport debug=syscalls");
        assertThat(run.result().reason()).as(run.console()).isEqualTo(RunResult.Reason.EXIT);
    }

    @Test
    void psNamesEveryProcessWithThePidsTheGuestPrinted() {
        Map<Integer, ProcessInfo> byPid = new TreeMap<>();
        for (ProcessInfo p : run.history().processes()) byPid.put(p.pid(), p);
        Matcher ps = PS_LINE.matcher(run.console());
        int rows = 0;
        while (ps.find()) {
            ProcessInfo p = byPid.get(Integer.parseInt(ps.group(1)));
            assertThat(p).as("pid %s printed by the guest's ps", ps.group(1)).isNotNull();
            assertThat(p.name()).isEqualTo(ps.group(3));
            rows++;
        }
        assertThat(rows).as("the guest's ps lines").isEqualTo(3);
        assertThat(byPid.get(1).name()).isEqualTo("init");
        assertThat(byPid.get(2).name()).isEqualTo("sh");
        assertThat(byPid.get(2).ppid()).isEqualTo(1);
        List<String> names = run.history().processes().stream().map(ProcessInfo::name).toList();
        assertThat(names).contains("init", "sh", "login", "vault", "buggy", "wc", "ls", "ps");
        assertThat(byPid.get(1).ending()).isEqualTo("exit 0");
        assertThat(byPid.get(1).exitStatus()).isEqualTo(0);
        for (ProcessInfo p : run.history().processes()) {
            assertThat(p.userInstructions()).as("pid %d", p.pid()).isPositive();
            assertThat(p.syscalls()).as("pid %d", p.pid()).isPositive();
            assertThat(p.firstIcount()).isLessThanOrEqualTo(p.lastIcount());
        }
    }

    @Test
    void buggysFaultIsTheOneTheKernelReported() {
        Matcher m = Pattern.compile("buggy\\[(\\d+)\\]: page fault at 0x746e4920, eip 0x080495ef").matcher(run.console());
        assertThat(m.find()).as(run.console()).isTrue();
        int pid = Integer.parseInt(m.group(1));
        ProcessInfo buggy = run.history().processes().stream().filter(p -> p.pid() == pid).findFirst().orElseThrow();
        assertThat(buggy.name()).isEqualTo("buggy");
        assertThat(buggy.fault()).isNotNull();
        assertThat(buggy.fault().vector()).isEqualTo(UserFault.PAGE_FAULT);
        assertThat(buggy.fault().cr2()).isEqualTo(0x746e4920);
        assertThat(buggy.fault().eip()).isEqualTo(0x080495ef);
        assertThat(buggy.fault().errorCode() & 4).as("a user-mode access").isEqualTo(4);
        assertThat(buggy.exitStatus()).isEqualTo(11);
        assertThat(buggy.ending()).isEqualTo("killed by signal 11");
        assertThat(buggy.fault().describe()).isEqualTo("page fault at 0x746e4920, eip 0x080495ef");
    }

    @Test
    void syscallsEqualTheKernelsDebugLogCallForCall() {
        List<String> kernel = new ArrayList<>();
        Matcher m = SYS.matcher(run.console());
        while (m.find()) {
            kernel.add(String.format("%s %s %s (%s, %s, %s, %s, %s) = %s", m.group(1), m.group(2), m.group(3),
                    m.group(4), m.group(5), m.group(6), m.group(7), m.group(8), m.group(9)));
        }
        List<String> tracked = new ArrayList<>();
        for (SyscallRecord c : run.history().syscalls()) {
            tracked.add(String.format("%d %s %d (%x, %x, %x, %x, %x) = %s", c.pid(), c.name(), c.nr(), c.arg(0),
                    c.arg(1), c.arg(2), c.arg(3), c.arg(4), c.returned() ? Integer.toString(c.result()) : "?"));
        }
        assertThat(kernel).hasSizeGreaterThan(100);
        assertThat(tracked).containsExactlyElementsOf(kernel);
    }

    @Test
    void execRenamesAndUserInstructionsAddUp() {
        List<ProcessEvent> execs = run.history().timeline().stream()
                .filter(e -> e instanceof ProcessEvent p && p.kind() == ProcessEvent.Kind.EXEC)
                .map(e -> (ProcessEvent) e).toList();
        assertThat(execs).extracting(ProcessEvent::name).contains("buggy", "login", "vault", "ps");
        assertThat(execs).allSatisfy(e -> assertThat(e.detail()).isNotEqualTo(e.name()));
        long user = run.history().processes().stream().mapToLong(ProcessInfo::userInstructions).sum();
        assertThat(user).isLessThan(run.result().icount()).isGreaterThan(run.result().icount() / 50);
        for (ProcessInfo p : run.history().processes()) {
            assertThat(run.tracker().userInstructions(p.pid())).isEqualTo(p.userInstructions());
        }
    }
}
