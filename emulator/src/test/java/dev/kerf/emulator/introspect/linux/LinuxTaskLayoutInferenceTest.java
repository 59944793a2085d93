package dev.kerf.emulator.introspect.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.introspect.GuestProcess;
import dev.kerf.emulator.introspect.IntrospectionException;
import dev.kerf.emulator.mmu.PhysicalMemory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The solver on a fake i386 kernel in synthetic memory: four tasks (idle, init, A, B) with their
 * own layout, a per-cpu current pointer, kernel stacks with pt_regs, page directories; system
 * calls are played by calling the hooks as the CPU would. The layout comes out of the facts alone,
 * and missing or contradicting facts are refused in one line naming what could not be confirmed.
 */
class LinuxTaskLayoutInferenceTest {
    static final int PO = 0xC0000000, STACK = 0x14, PID = 0x300, COMM = 0x500, MM = 0x200, PGD = 0x24, PARENT = 0x310,
            TASKS = 0x180, EXIT = 0x250, TOP = 8184, REGS = TOP - 68, PERCPU = 0x00100000, CURRENT = 0xC0300100;
    static final int IDLE = 0, INIT = 1, A = 2, B = 3;
    static final int[] PIDS = {0, 1, 10, 11};
    static final int USER_EIP = 0x08048123, USER_ESP = 0x00070000;

    PhysicalMemory ram;
    Cpu cpu;
    LinuxTaskLayoutInference inference;

    static int task(int i) { return 0xC0100000 + i * 0x4000; }
    static int stack(int i) { return 0xC0200000 + i * 0x4000; }
    static int pd(int i) { return 0x10000 + i * 0x1000; }

    void w(int va, int v) { ram.write32(va - PO, v); }

    void comm(int i, String name) {
        byte[] b = (name + "\0").getBytes(StandardCharsets.ISO_8859_1);
        for (int k = 0; k < b.length; k++) ram.write8(task(i) + COMM + k - PO, b[k]);
    }

    @BeforeEach
    void fakeKernel() {
        ram = new PhysicalMemory(4 << 20);
        cpu = new Cpu(ram, new CpuBus() {
            @Override public int in(int port, int size) { return 0; }
            @Override public void out(int port, int size, int value) { }
            @Override public boolean interruptRequested() { return false; }
            @Override public int acknowledgeInterrupt() { return 0; }
            @Override public long readTsc(long icount) { return 0; }
        });
        for (int i = 0; i < 4; i++) {
            ram.write32(pd(i) + 768 * 4, 0x0 | 0x83);      // 0xC0000000: the first 4 MiB, 4 MiB page
            ram.write32(pd(i), 0x0 | 0x87);                // user: identity (for the paths)
        }
        cpu.tr.base = 0xC0002000;
        cpu.gdtBase = 0xC0003000;
        int d = 0xC0003000 + 27 * 8;
        w(d, (PERCPU & 0xFFFF) << 16 | 0xFFFF);
        w(d + 4, (PERCPU >>> 16) & 0xFF | 0x00409300 | (PERCPU & 0xFF000000));
        for (int i = 0; i < 4; i++) {
            int t = task(i);
            w(t + STACK, stack(i));
            w(t + PID, PIDS[i]);
            w(t + PID + 4, PIDS[i]);
            w(t + PARENT, task(i == A ? INIT : i == B ? A : IDLE));
            w(t + TASKS, task((i + 1) % 4) + TASKS);
            w(t + TASKS + 4, task((i + 3) % 4) + TASKS);
            if (i != IDLE) {
                int mm = 0xC0120000 + i * 0x100;
                w(t + MM, mm);
                w(mm + PGD, pd(i) + PO);
            }
        }
        comm(IDLE, "swapper");
        comm(INIT, "init");
        comm(A, "sh");
        comm(B, "sh");
        inference = new LinuxTaskLayoutInference(ram);
    }

    /** Task {@code i} makes call {@code nr} and gets {@code result}, as the CPU and kernel would show it. */
    void call(int i, int nr, int result, int... args) {
        cpu.cr3 = pd(i);
        cpu.cpl = 3;
        cpu.eip = USER_EIP;
        cpu.reg[Cpu.ESP] = USER_ESP;
        w(0xC0002000 + 12, stack(i) + TOP);
        w(CURRENT, task(i));
        cpu.reg[Cpu.EAX] = nr;
        for (int k = 0; k < args.length; k++) cpu.reg[new int[]{Cpu.EBX, Cpu.ECX, Cpu.EDX}[k]] = args[k];
        inference.delivering(cpu, 0x80, InterruptHook.Source.SOFTWARE, -1);
        int regs = stack(i) + REGS;
        w(regs + 48, USER_EIP);
        w(regs + 60, USER_ESP);
        w(regs + 24, result);
        cpu.cpl = 0;
        inference.privilegeChanged(cpu, 3, 0);
        cpu.reg[Cpu.EAX] = result;
        cpu.cpl = 3;
        inference.privilegeChanged(cpu, 0, 3);
    }

    /** A string in task {@code i}'s user memory (identity-mapped low RAM). */
    int user(String s) {
        int at = 0x50000 + (s.hashCode() & 0xFF) * 64;
        byte[] b = (s + "\0").getBytes(StandardCharsets.ISO_8859_1);
        for (int k = 0; k < b.length; k++) ram.write8(at + k, b[k]);
        return at;
    }

    /** Task {@code i} calls exit_group(code) and becomes a zombie; the CPU switches to {@code next}. */
    void exit(int i, int code, int next) {
        cpu.cr3 = pd(i);
        cpu.cpl = 3;
        w(0xC0002000 + 12, stack(i) + TOP);
        w(CURRENT, task(i));
        cpu.reg[Cpu.EAX] = 252;
        cpu.reg[Cpu.EBX] = code;
        inference.delivering(cpu, 0x80, InterruptHook.Source.SOFTWARE, -1);
        cpu.cpl = 0;
        inference.privilegeChanged(cpu, 3, 0);
        w(task(i) + MM, 0);
        w(task(i) + EXIT, 0x20);
        w(task(i) + EXIT + 4, (code & 0xFF) << 8);
        w(CURRENT, task(next));
        inference.cr3Written(cpu, pd(i), pd(next));
    }

    void everything() {
        call(A, 20, 10);
        call(B, 20, 11);
        call(A, 64, 1);
        call(B, 64, 10);
        comm(A, "alpha");
        call(A, 11, 0, user("/bin/alpha"));
        comm(B, "beta-x");
        call(B, 172, 0, 15, user("beta-x"));
    }

    @Test
    void theLayoutComesFromTheCallsAlone() {
        everything();
        exit(A, 2, B);
        assertThat(inference.done()).isFalse(); // one exit is one process
        exit(B, 7, INIT);
        assertThat(inference.done()).isTrue();
        LinuxTaskLayout l = inference.layout();
        assertThat(l).isEqualTo(new LinuxTaskLayout(PO, PERCPU, CURRENT - PERCPU, STACK, TOP, REGS, PID, COMM, MM, PGD,
                PARENT, TASKS, EXIT, 0x20, task(IDLE)));
        assertThat(l.describe()).contains("task->pid, tgid      +0x300, +0x304").hasLineCount(10);

        LinuxGuestProfile p = new LinuxGuestProfile(l);
        GuestMemory m = new GuestMemory(ram);
        List<GuestProcess> procs = p.processes(m);
        assertThat(procs).extracting(GuestProcess::pid).containsExactly(1, 10, 11);
        assertThat(procs.get(0)).isEqualTo(new GuestProcess(1, 0, "init", pd(INIT), false, 0, Integer.toUnsignedLong(task(INIT))));
        assertThat(procs.get(1)).isEqualTo(new GuestProcess(10, 1, "alpha", 0, true, 0x200, Integer.toUnsignedLong(task(A))));
        assertThat(procs.get(2).name()).isEqualTo("beta-x");
        assertThat(procs.get(2).ppid()).isEqualTo(10);
        assertThat(p.current(m).pid()).isEqualTo(1);
        w(stack(INIT) + REGS + 24, -4);
        assertThat(p.interruptedCallResult(m, procs.get(0))).isEqualTo(-4);

        // a list that does not close (a node's prev does not point back) gives no processes, not garbage
        w(task(B) + TASKS + 4, 0xC0000000);
        assertThat(p.processes(m)).isEmpty();
        assertThat(p.exitStatusOf(252, new int[]{0x1234})).isEqualTo(0x3400);
        assertThat(p.isExecCall(358)).isTrue();
        assertThat(p.syscallArgumentRegisters()).containsExactly(Cpu.EBX, Cpu.ECX, Cpu.EDX, Cpu.ESI, Cpu.EDI, Cpu.EBP);
    }

    @Test
    void nothingObservedIsRefused() {
        assertThatThrownBy(() -> inference.layout()).isInstanceOf(IntrospectionException.class)
                .hasMessage("the current task and task->pid could not be confirmed: 0 getpid/set_tid_address returns seen, 0 with no structure holding the caller's stack and id");
    }

    @Test
    void oneProcessIsNotEnough() {
        call(A, 20, 10);
        call(A, 20, 10);
        assertThatThrownBy(() -> inference.layout())
                .hasMessage("the current task and task->pid could not be confirmed: getpid was seen from 1 process, 2 needed");
    }

    @Test
    void missingFactsAreNamed() {
        everything();
        assertThatThrownBy(() -> inference.layout()).isInstanceOf(IntrospectionException.class)
                .hasMessage("the Linux task layout could not be confirmed: task->exit_state and exit_code (needs exit_group calls): never observed");
    }

    @Test
    void contradictingFactsAreRefused() {
        call(A, 20, 10);
        call(B, 20, 11);
        comm(A, "alpha");
        call(A, 11, 0, user("/bin/alpha"));
        comm(B, "gamma");                       // the kernel's name is not what B asked for
        call(B, 172, 0, 15, user("beta-x"));
        exit(A, 2, B);
        exit(B, 7, INIT);
        assertThatThrownBy(() -> inference.layout()).hasMessageContaining(
                "task->comm (needs execve calls): no offset agrees with all 2 observations");
        assertThat(inference.done()).isFalse();
    }

    @Test
    void aPerCpuBaseThatMovesIsRefused() {
        call(A, 20, 10);
        w(0xC0003000 + 27 * 8 + 4, 0x00409300 | 0x02);    // another base: a second CPU, or not this kind of kernel
        call(B, 20, 11);
        assertThatThrownBy(() -> inference.layout()).isInstanceOf(IntrospectionException.class).hasMessage(
                "the Linux task layout could not be inferred: the kernel's direct map or per-cpu base moved (0xc0000000, 0x00100000 then 0xc0000000, 0x00020000)");
    }

    @Test
    void aReturnElsewhereIsNotTheCallsReturn() {
        call(A, 20, 10);
        // B's getpid "returns" into a signal handler: another EIP, not an observation
        cpu.cr3 = pd(B);
        cpu.cpl = 3;
        cpu.eip = USER_EIP;
        w(0xC0002000 + 12, stack(B) + TOP);
        w(CURRENT, task(B));
        cpu.reg[Cpu.EAX] = 20;
        inference.delivering(cpu, 0x80, InterruptHook.Source.SOFTWARE, -1);
        cpu.eip = 0x08049000;
        cpu.reg[Cpu.EAX] = 11;
        inference.privilegeChanged(cpu, 0, 3);
        assertThat(inference.observations()).isEqualTo(1);
        assertThatThrownBy(() -> inference.layout()).hasMessageEndingWith("getpid was seen from 1 process, 2 needed");
    }
}
