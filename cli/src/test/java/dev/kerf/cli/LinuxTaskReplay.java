package dev.kerf.cli;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.hook.PrivilegeHook;
import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.introspect.GuestProcess;
import dev.kerf.emulator.introspect.linux.LinuxGuestProfile;
import dev.kerf.emulator.introspect.linux.LinuxTaskLayout;
import dev.kerf.emulator.introspect.linux.LinuxTaskLayoutInference;
import dev.kerf.emulator.replay.ReplayResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test-side replays of a Linux recording for issue 15's task layout: one pass infers the layout
 * (stopping the observation once it is confirmed), a second reads the processes through
 * {@link LinuxGuestProfile} at chosen moments and checks it against what the CPU does.
 */
final class LinuxTaskReplay {
    /** The result of the inference pass: the layout, and how many system-call returns and instructions it needed. */
    record Inferred(LinuxTaskLayout layout, long observations, long icount, long nanos) {}

    /** What the profile showed during the second pass. */
    static final class Seen {
        List<GuestProcess> atStart;
        List<GuestProcess> whenExiting;
        final Map<Integer, Integer> zombies = new TreeMap<>();
        int returns, currentMismatches, resultMismatches;
        LinuxTaskLayout again;
        /** What ProcessTracker made of the recording through the profile (what {@code kerf ps} prints). */
        List<dev.kerf.emulator.introspect.ProcessInfo> tracked;
    }

    private LinuxTaskReplay() {}

    static Inferred infer(Path recording) throws IOException {
        LinuxTaskLayoutInference[] inference = new LinuxTaskLayoutInference[1];
        long[] doneAt = {-1, 0};
        long t0 = System.nanoTime();
        ReplaySession.replay(recording, new ReplaySession.Analysis() {
            @Override
            public void attach(Cpu cpu) {
                inference[0] = new LinuxTaskLayoutInference(cpu.memory);
                inference[0].attach(cpu.hooks);
                cpu.hooks.add(new PrivilegeHook() {
                    @Override
                    public void privilegeChanged(Cpu c, int from, int to) {
                        if (to == 3 && doneAt[0] < 0 && inference[0].done()) {
                            doneAt[0] = c.icount;
                            doneAt[1] = inference[0].observations();
                            inference[0].detach(c.hooks);
                            c.hooks.remove(this);
                        }
                    }
                });
            }

            @Override
            public void finish(Cpu cpu, ReplayResult r) {}
        }, HostIo.system());
        long nanos = System.nanoTime() - t0;
        return new Inferred(inference[0].layout(), doneAt[1], doneAt[0], nanos);
    }

    /**
     * Replays with the profile: the processes at the first return to user mode, those when the
     * first process named {@code exiting} calls exit_group, the zombies seen at returns to user
     * mode (pid to wait status), and at every system-call return whether the current task runs
     * with the CPU's page directory and saved the result the CPU returns.
     */
    static Seen observe(Path recording, LinuxTaskLayout layout, String exiting) throws IOException {
        LinuxGuestProfile profile = new LinuxGuestProfile(layout);
        Seen seen = new Seen();
        LinuxTaskLayoutInference[] again = new LinuxTaskLayoutInference[1];
        dev.kerf.emulator.introspect.ProcessHistory history = new dev.kerf.emulator.introspect.ProcessHistory(profile);
        dev.kerf.emulator.introspect.ProcessTracker[] tracker = new dev.kerf.emulator.introspect.ProcessTracker[1];
        ReplaySession.replay(recording, new ReplaySession.Analysis() {
            boolean inCall;

            @Override
            public void attach(Cpu cpu) {
                GuestMemory memory = new GuestMemory(cpu.memory);
                again[0] = new LinuxTaskLayoutInference(cpu.memory);
                again[0].attach(cpu.hooks);
                tracker[0] = new dev.kerf.emulator.introspect.ProcessTracker(profile, memory, history);
                tracker[0].attach(cpu.hooks);
                cpu.hooks.add((InterruptHook) (c, vector, source, error) -> {
                    if (c.cpl != 3 || vector != 0x80 || source != InterruptHook.Source.SOFTWARE) return;
                    inCall = true;
                    GuestProcess cur = profile.current(memory);
                    if (c.reg[Cpu.EAX] == 252 && seen.whenExiting == null && cur != null && cur.name().equals(exiting)) {
                        seen.whenExiting = profile.processes(memory);
                    }
                });
                cpu.hooks.add((dev.kerf.emulator.hook.Cr3Hook) (c, oldCr3, newCr3) -> {
                    for (GuestProcess p : profile.processes(memory)) if (p.zombie()) seen.zombies.put(p.pid(), p.exitStatus());
                });
                cpu.hooks.add((PrivilegeHook) (c, from, to) -> {
                    if (to != 3) return;
                    if (seen.atStart == null) seen.atStart = profile.processes(memory);
                    GuestProcess cur = profile.current(memory);
                    seen.returns++;
                    if (cur == null || cur.cr3() != (c.cr3 & 0xFFFFF000)) seen.currentMismatches++;
                    if (inCall && cur != null && profile.interruptedCallResult(memory, cur) != c.reg[Cpu.EAX]) seen.resultMismatches++;
                    inCall = false;
                    for (GuestProcess p : profile.processes(memory)) if (p.zombie()) seen.zombies.put(p.pid(), p.exitStatus());
                });
            }

            @Override
            public void finish(Cpu cpu, ReplayResult r) {
                tracker[0].finish(cpu);
            }
        }, HostIo.system());
        seen.tracked = history.processes();
        seen.again = again[0].layout();
        return seen;
    }

    /** pid, ppid and name of each process, one line each, in pid order. */
    static List<String> table(List<GuestProcess> processes) {
        List<String> l = new ArrayList<>();
        processes.stream().sorted(java.util.Comparator.comparingInt(GuestProcess::pid))
                .forEach(p -> l.add(p.pid() + " " + p.ppid() + " " + p.name()));
        return l;
    }
}
