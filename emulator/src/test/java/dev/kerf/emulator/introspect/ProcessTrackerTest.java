package dev.kerf.emulator.introspect;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;
import dev.kerf.emulator.hook.InterruptHook.Source;
import dev.kerf.emulator.mmu.PhysicalMemory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tracker driven by hand-made hook calls over a hand-made process table: the paths the
 * bugreport scenario does not take (a process killed while blocked in a call, a fault the kernel
 * resolves, a fault that kills).
 */
class ProcessTrackerTest {
    private static final int TABLE = 0x104000, SIZE = 148, CURRENT = 0x105000;
    private static final GuestProfile PROFILE = new KerfGuestProfile(TABLE, SIZE, 32, CURRENT, 0, 4, 12, 16, 8, 28,
            52, 68, 0, 5, 0x80, 0);
    private static final int RUNNING = 4, RUNNABLE = 3, ZOMBIE = 5;
    private final List<String> events = new ArrayList<>();
    private Cpu cpu;
    private ProcessTracker tracker;

    @BeforeEach
    void twoProcesses() {
        cpu = new Cpu(new PhysicalMemory(4 << 20), new CpuBus() {
            @Override public int in(int port, int size) { return 0; }
            @Override public void out(int port, int size, int value) { }
            @Override public boolean interruptRequested() { return false; }
            @Override public int acknowledgeInterrupt() { return 0; }
            @Override public long readTsc(long icount) { return 0; }
        });
        proc(0, 1, 0, "init", RUNNING, 0x200000);
        proc(1, 2, 1, "sh", RUNNABLE, 0x201000);
        tracker = new ProcessTracker(PROFILE, new GuestMemory(cpu.memory), new ProcessListener() {
            @Override public void created(long icount, int pid, int ppid, String name) { log(icount, "created %d %d %s", pid, ppid, name); }
            @Override public void switchedTo(long icount, int pid, String name) { log(icount, "switch %d %s", pid, name); }
            @Override public void syscallEntered(long icount, SyscallRecord c) { log(icount, "enter %d %d", c.pid(), c.nr()); }
            @Override public void syscallReturned(long icount, SyscallRecord c) { log(icount, "return %d %s", c.pid(), c); }
            @Override public void userFault(long icount, UserFault f) { log(icount, "fault %d %s", f.pid(), f.describe()); }
            @Override public void renamed(long icount, int pid, String was, String now) { log(icount, "renamed %d %s %s", pid, was, now); }
            @Override public void exited(long icount, int pid, int status, UserFault f) {
                log(icount, "exit %d %d %s", pid, status, f == null ? "-" : f.describe());
            }
        });
        tracker.attach(cpu.hooks);
    }

    private void log(long icount, String format, Object... args) {
        events.add(icount + " " + String.format(format, args));
    }

    private void proc(int slot, int pid, int ppid, String name, int state, int cr3) {
        int rec = TABLE + slot * SIZE;
        cpu.memory.write32(rec, pid);
        cpu.memory.write32(rec + 4, ppid);
        cpu.memory.write32(rec + 8, state);
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        cpu.memory.load(rec + 12, n, 0, n.length);
        cpu.memory.write32(rec + 28, cr3);
        cpu.memory.write32(rec + 68, 0x300000 + slot * 0x1000); // trap frame
    }

    private void run(int slot, long icount) {
        cpu.memory.write32(CURRENT, TABLE + slot * SIZE);
        cpu.cr3 = cpu.memory.read32(TABLE + slot * SIZE + 28);
        cpu.icount = icount;
        tracker.cr3Written(cpu, 0, cpu.cr3);
    }

    private void toUser(long icount, int eax) {
        cpu.icount = icount;
        cpu.reg[Cpu.EAX] = eax;
        cpu.cpl = 3;
        tracker.privilegeChanged(cpu, 0, 3);
    }

    private void trap(long icount, int vector, Source source, int errorCode) {
        cpu.icount = icount;
        tracker.delivering(cpu, vector, source, errorCode);
        cpu.cpl = 0;
        tracker.privilegeChanged(cpu, 3, 0);
    }

    private void syscall(long icount, int nr, int... args) {
        cpu.reg[Cpu.EAX] = nr;
        int[] regs = {Cpu.EBX, Cpu.ECX, Cpu.EDX, Cpu.ESI, Cpu.EDI};
        for (int i = 0; i < args.length; i++) cpu.reg[regs[i]] = args[i];
        trap(icount, 0x80, Source.SOFTWARE, -1);
    }

    @Test
    void aProcessKilledWhileBlockedGetsTheResultFromItsTrapFrame() {
        run(0, 10);
        toUser(11, 0);
        syscall(20, 3, 0, 0x0804a000, 128);          // init blocks in read
        run(1, 30);
        toUser(31, 0);
        syscall(40, 37, 1, 2);                       // sh: kill(1, SIGINT)
        cpu.memory.write32(TABLE + 8, ZOMBIE);       // the kernel ends init inside its read: -EINTR in its frame
        cpu.memory.write32(TABLE + 52, 2);
        cpu.memory.write32(0x300000 + 28, -4);
        toUser(50, 0);                               // kill returns 0 to sh

        assertThat(events).containsExactly(
                "10 created 1 0 init", "10 created 2 1 sh", "10 switch 1 init",
                "20 enter 1 3",
                "30 switch 2 sh",
                "40 enter 2 37",
                "50 return 2 kill(1, 2) = 0",
                "50 return 1 read(0, 0x804a000, 128) = -4 EINTR",
                "50 exit 1 2 -");
        assertThat(tracker.userInstructions(1)).isEqualTo(20 + 1 - 12); // icounts 12..20, the INT included
        assertThat(tracker.userInstructions(2)).isEqualTo(40 + 1 - 32);
    }

    @Test
    void aResolvedFaultIsForgottenAndAFatalOneIsTheCauseOfDeath() {
        run(1, 10);
        toUser(11, 0);
        cpu.cr2 = 0xBFF00FFC;
        cpu.eip = 0x08048100;
        trap(20, 14, Source.EXCEPTION, 6);          // stack growth: the kernel maps a page
        toUser(30, 0);
        cpu.cr2 = 0x746e4920;
        cpu.eip = 0x080495ef;
        trap(40, 14, Source.EXCEPTION, 4);
        cpu.memory.write32(TABLE + SIZE + 8, ZOMBIE);
        cpu.memory.write32(TABLE + SIZE + 52, 11);
        run(0, 50);

        assertThat(events).containsExactly(
                "10 created 1 0 init", "10 created 2 1 sh", "10 switch 2 sh",
                "20 fault 2 page fault at 0xbff00ffc, eip 0x08048100",
                "40 fault 2 page fault at 0x746e4920, eip 0x080495ef",
                "50 exit 2 11 page fault at 0x746e4920, eip 0x080495ef",
                "50 switch 1 init");
        assertThat(tracker.userInstructions(2)).as("faulting instructions do not retire").isEqualTo((20 - 12) + (40 - 31));
    }

    @Test
    void exitNeverReturnsAndInitsStatusComesFromTheCallWhenTheMachineStops() {
        run(0, 10);
        toUser(11, 0);
        syscall(20, 1, 3);
        tracker.finish(cpu);
        assertThat(events).containsExactly("10 created 1 0 init", "10 created 2 1 sh", "10 switch 1 init",
                "20 enter 1 1", "20 exit 1 768 -");
    }

    /** A call that changes the caller's name without an execve (Linux's prctl(PR_SET_NAME)) is seen at its return; others are not renames. */
    @Test
    void aProcessThatRenamesItselfIsRenamedAtTheCallsReturn() {
        run(1, 10);
        toUser(11, 0);
        syscall(20, 172, 15, 0x0804a000);            // prctl(PR_SET_NAME, "ps"): the kernel writes the name
        byte[] n = "ps\0".getBytes(StandardCharsets.US_ASCII);
        cpu.memory.load(TABLE + SIZE + 12, n, 0, n.length);
        toUser(30, 0);
        syscall(40, 20);                             // getpid: no change
        toUser(50, 2);
        assertThat(events).containsExactly("10 created 1 0 init", "10 created 2 1 sh", "10 switch 2 sh",
                "20 enter 2 172", "30 return 2 syscall_172(0xf, 0x804a000, 0x0, 0x0, 0x0) = 0", "30 renamed 2 sh ps",
                "40 enter 2 20", "50 return 2 getpid() = 2");
        assertThat(tracker.nameOf(2)).isEqualTo("ps");
    }
}
