package dev.kerf.emulator.introspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.emulator.introspect.linux.LinuxCall;
import dev.kerf.emulator.introspect.linux.LinuxSyscallObserver;
import dev.kerf.emulator.introspect.linux.LinuxSyscalls;
import dev.kerf.emulator.introspect.linux.LinuxTask;
import dev.kerf.emulator.introspect.linux.StraceText;
import dev.kerf.emulator.machine.RunResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Linux ABI observer on the example guest OS, whose userland makes Linux i386 system calls
 * with {@code int $0x80}: with nothing from the guest's process table, its calls agree with the
 * tracker that reads that table, and what the programs wrote is what the console shows.
 */
class LinuxObserverOnGuestTest {
    private static GuestRun run;
    private static LinuxSyscallObserver observer;

    @BeforeAll
    static void runTheBugReport() throws Exception {
        LinuxSyscallObserver[] o = new LinuxSyscallObserver[1];
        run = GuestRun.of("scenario=bugreport", (cpu, profile) -> {
            o[0] = new LinuxSyscallObserver(LinuxSyscalls.i386(), new GuestMemory(cpu.memory), 1 << 16);
            o[0].attach(cpu.hooks);
        });
        assertThat(run.result().reason()).as(run.console()).isEqualTo(RunResult.Reason.EXIT);
        observer = o[0];
        observer.finish(null);
    }

    @Test
    void whatTheProgramsWroteIsTheConsoleApartFromTheKernelsOwnLines() {
        String console = run.console();
        int at = 0;
        StringBuilder gaps = new StringBuilder();
        List<String> elsewhere = new ArrayList<>();
        for (LinuxCall c : observer.calls()) {
            if (c.nr() != 4 || c.failed() || !c.returned()) continue;
            assertThat(c.result()).isEqualTo(c.arg(2));
            String written = new String(c.bytes(1), 0, c.result(), StandardCharsets.ISO_8859_1);
            int found = console.indexOf(written, at);
            if (found < 0 || !console.substring(at, found).matches("(?s)(.*\n)?")) { // into a pipe, not the console
                elsewhere.add(written);
                continue;
            }
            gaps.append(console, at, found);
            at = found + written.length();
        }
        gaps.append(console.substring(at));
        // what no write explains is the kernel's own messages: whole lines, few of them
        assertThat(gaps.toString()).as("console not written by a program").matches("(?s)([^\n]*\n)*");
        assertThat(gaps.toString().split("\n")).as(gaps.toString()).hasSizeLessThanOrEqualTo(6);
        // the rest went into pipes (login <-> vault, echo | wc): none of it is console text
        for (String w : elsewhere) assertThat(console).doesNotContain(w);
        assertThat(console.length() - gaps.length()).isGreaterThan(console.length() / 2);
    }

    @Test
    void callsArePairedAndAgreeWithTheProcessTablesTracker() {
        StraceText text = new StraceText(observer.table());
        List<String> mine = new ArrayList<>();
        for (LinuxCall c : observer.calls()) {
            assertThat(c.outcome()).as(text.line(c)).isIn(LinuxCall.Outcome.RETURNED, LinuxCall.Outcome.EXECED,
                    LinuxCall.Outcome.NO_RETURN, LinuxCall.Outcome.UNFINISHED);
            if (c.returned()) assertThat(c.exitIcount()).isGreaterThan(c.entryIcount());
            mine.add(c.entryIcount() + " " + c.nr() + " " + (c.returned() ? c.result() : "?"));
        }
        List<String> tracker = new ArrayList<>();
        for (SyscallRecord r : run.history().syscalls()) tracker.add(r.entryIcount() + " " + r.nr() + " " + (r.returned() ? r.result() : "?"));
        mine.sort(java.util.Comparator.comparingLong(x -> Long.parseLong(x.split(" ")[0])));
        tracker.sort(java.util.Comparator.comparingLong(x -> Long.parseLong(x.split(" ")[0])));
        assertThat(mine).isNotEmpty().isEqualTo(tracker);
        // the one return no entry explains: the kernel starting init (an IRET into a new address space)
        assertThat(observer.unexplainedReturns()).isEqualTo(1);
    }

    @Test
    void forkResultsAreTheChildrensPidsAndExitStatusesThoseTheTableRecorded() {
        Map<Integer, ProcessInfo> byPid = new TreeMap<>();
        for (ProcessInfo p : run.history().processes()) byPid.put(p.pid(), p);
        int children = 0;
        for (LinuxTask t : observer.tasks()) {
            if (t.parent() == null) continue;
            children++;
            ProcessInfo p = byPid.get(t.pid());
            assertThat(p).as("task %s", t).isNotNull();
            if (t.parent().pid() >= 0) assertThat(p.ppid()).isEqualTo(t.parent().pid()); // init never asks its pid
            if (t.end() == LinuxTask.End.EXIT_GROUP || t.end() == LinuxTask.End.EXIT) {
                assertThat((p.exitStatus() >> 8) & 0xFF).as("%s", t).isEqualTo(t.exitStatus());
            }
        }
        assertThat(children).isEqualTo(byPid.size() - 1); // all but init
    }
}
