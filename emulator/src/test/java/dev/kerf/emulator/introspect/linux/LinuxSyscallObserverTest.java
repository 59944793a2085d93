package dev.kerf.emulator.introspect.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;
import dev.kerf.emulator.hook.InterruptHook.Source;
import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.mmu.PhysicalMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The observer driven by hand-made hook calls, for the paths a short recording may not take: a
 * call blocked while another process runs, vfork, execve into a new address space, a signal
 * handler with sigreturn and a restarted call, fork, a call pending since before the start.
 * Three address spaces map the same 4 MiB identically (one 4 MiB page each).
 */
class LinuxSyscallObserverTest {
    private static final int A = 0x1000, B = 0x2000, C = 0x3000;
    private static final int CODE = 0x100000, AFTER_INT = CODE + 2, STACK = 0x200000;
    private Cpu cpu;
    private LinuxSyscallObserver observer;
    private final StraceText text = new StraceText(LinuxSyscalls.i386());

    @BeforeEach
    void addressSpaces() {
        cpu = new Cpu(new PhysicalMemory(8 << 20), new CpuBus() {
            @Override public int in(int port, int size) { return 0; }
            @Override public void out(int port, int size, int value) { }
            @Override public boolean interruptRequested() { return false; }
            @Override public int acknowledgeInterrupt() { return 0; }
            @Override public long readTsc(long icount) { return 0; }
        });
        for (int dir : new int[] {A, B, C}) cpu.memory.write32(dir, 0x87); // present, writable, user, 4 MiB
        cpu.memory.write8(CODE, 0xCD);
        cpu.memory.write8(CODE + 1, 0x80);
        observer = new LinuxSyscallObserver(LinuxSyscalls.i386(), new GuestMemory(cpu.memory), 4096);
        observer.attach(cpu.hooks);
    }

    private void at(int cr3, int esp, int eip) {
        cpu.cr3 = cr3;
        cpu.reg[Cpu.ESP] = esp;
        cpu.eip = eip;
        cpu.icount += 10;
    }

    private void call(int cr3, int esp, int nr, int... args) {
        at(cr3, esp, AFTER_INT);
        cpu.cpl = 3;
        cpu.reg[Cpu.EAX] = nr;
        int[] regs = {Cpu.EBX, Cpu.ECX, Cpu.EDX, Cpu.ESI, Cpu.EDI, Cpu.EBP};
        for (int i = 0; i < regs.length; i++) cpu.reg[regs[i]] = i < args.length ? args[i] : 0;
        observer.delivering(cpu, 0x80, Source.SOFTWARE, -1);
        cpu.cpl = 0;
    }

    private void interrupt(int cr3, int esp, int eip) {
        at(cr3, esp, eip);
        cpu.cpl = 3;
        observer.delivering(cpu, 0x20, Source.EXTERNAL, -1);
        cpu.cpl = 0;
    }

    private void back(int cr3, int esp, int eip, int eax) {
        at(cr3, esp, eip);
        cpu.reg[Cpu.EAX] = eax;
        cpu.cpl = 3;
        observer.privilegeChanged(cpu, 0, 3);
    }

    private void bytes(int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < b.length; i++) cpu.memory.write8(at + i, b[i]);
        cpu.memory.write8(at + b.length, 0);
    }

    private List<String> lines() {
        observer.finish(cpu);
        List<String> out = new ArrayList<>();
        for (LinuxCall c : observer.calls()) out.add("[" + c.task().label() + "] " + text.line(c));
        return out;
    }

    @Test
    void aBlockedCallReturnsToItsCallerAfterAnotherProcessRan() {
        call(A, STACK, 20);
        back(A, STACK, AFTER_INT, 41);                     // getpid: task 1 is pid 41
        call(A, STACK, 3, 0, 0x300000, 16);                // read blocks
        bytes(0x310000, "hi\n");
        call(B, STACK - 0x1000, 4, 1, 0x310000, 3);        // another process writes
        back(B, STACK - 0x1000, AFTER_INT, 3);
        interrupt(B, STACK - 0x1004, CODE + 0x40);         // and is interrupted, then resumed
        back(B, STACK - 0x1004, CODE + 0x40, 0x1234);
        bytes(0x300000, "hello");
        back(A, STACK, AFTER_INT, 5);
        assertThat(lines()).containsExactly("[pid 41] getpid() = 41", "[pid 41] read(0, \"hello\", 16) = 5",
                "[task 2] write(1, \"hi\\n\", 3) = 3");
        assertThat(observer.unexplainedReturns()).isZero();
        assertThat(observer.tasks()).hasSize(2);
    }

    @Test
    void vforkChildExecsIntoANewAddressSpaceAndTheParentResumes() {
        bytes(0x320000, "/bin/x");
        call(A, STACK, 20);
        back(A, STACK, AFTER_INT, 50);
        call(A, STACK, 190);                               // vfork
        back(A, STACK, AFTER_INT, 0);                      // the child comes back first, at the parent's key
        call(A, STACK - 0x100, 11, 0x320000, 0, 0);        // the child execs
        // the new image's stack in C: argc, argv[0], NULL, envp NULL, AT_EXECFN, AT_NULL
        int sp = 0x330000;
        bytes(0x331000, "x");
        int[] words = {1, 0x331000, 0, 0, 31, 0x320000, 0, 0};
        for (int i = 0; i < words.length; i++) cpu.memory.write32(sp + 4 * i, words[i]);
        back(C, sp, 0x123456, 0);
        back(A, STACK, AFTER_INT, 51);                     // the parent's vfork returns the child's pid
        call(C, sp - 0x40, 252, 2);                        // the child exits
        assertThat(lines()).containsExactly("[pid 50] getpid() = 50", "[pid 50] vfork() = 51",
                "[pid 51] execve(\"/bin/x\", [\"x\"], NULL) = 0", "[pid 51] exit_group(2) = ?");
        LinuxTask child = observer.tasks().get(1);
        assertThat(child.parent()).isSameAs(observer.tasks().get(0));
        assertThat(child.exe()).isEqualTo("/bin/x");
        assertThat(child.cr3()).isEqualTo(C);
        assertThat(child.end()).isEqualTo(LinuxTask.End.EXIT_GROUP);
        assertThat(child.exitStatus()).isEqualTo(2);
        assertThat(observer.tasks().get(0).alive()).isTrue(); // the child's exit_group does not end its vfork parent
    }

    @Test
    void aSignalHandlerRunsThenSigreturnRewindsTheCallWhichIsMadeAgain() {
        call(A, STACK, 3, 0, 0x300000, 16);                // read blocks
        int frame = STACK - 0x200;
        cpu.memory.write32(frame + 4, 17);                 // the handler's argument: SIGCHLD
        back(A, frame, CODE + 0x80, 17);                   // into the handler
        call(A, frame + 8, 119);                           // its sigreturn
        back(A, STACK, CODE, 3);                           // restored two bytes back, EAX = the call's number
        call(A, STACK, 3, 0, 0x300000, 16);                // the int $0x80 again
        bytes(0x300000, "ok\n");
        back(A, STACK, AFTER_INT, 3);
        assertThat(lines()).containsExactly("[task 1] read(0, 0x300000, 16) = ? (interrupted by a signal, restarted)",
                "[task 1] sigreturn() = 3", "[task 1] read(0, \"ok\\n\", 16) = 3");
        assertThat(observer.signals()).hasSize(1);
        assertThat(observer.signals().get(0).signal()).isEqualTo(17);
        assertThat(observer.signals().get(0).handler()).isEqualTo(CODE + 0x80);
    }

    @Test
    void forkChildAppearsInItsOwnAddressSpaceWithThePidItsParentGot() {
        call(A, STACK, 2);
        back(B, STACK, AFTER_INT, 0);                      // the child first, in a new page directory
        call(B, STACK, 20);
        back(B, STACK, AFTER_INT, 99);
        back(A, STACK, AFTER_INT, 99);
        call(B, STACK, 1, 0);                              // exit (one thread)
        assertThat(lines()).containsExactly("[task 1] fork() = 99", "[pid 99] getpid() = 99", "[pid 99] exit(0) = ?");
        assertThat(observer.tasks()).hasSize(2);
        assertThat(observer.tasks().get(1).end()).isEqualTo(LinuxTask.End.EXIT);
    }

    @Test
    void aCallPendingSinceBeforeTheStartIsResumedAndAnUnknownReturnIsOnlyCounted() {
        back(A, STACK, AFTER_INT, 9);                      // after an int $0x80: a call from before the start
        back(A, STACK, CODE + 0x90, 0);                    // after an interrupt from before the start
        call(A, STACK, 6, 3);
        back(A, STACK, AFTER_INT, -9);
        call(A, STACK, 3, 0, 0x300000, 1);                 // still blocked at the end
        assertThat(lines()).containsExactly("[task 1] <... resumed>) = 9", "[task 1] close(3) = -1 EBADF (Bad file descriptor)",
                "[task 1] read(0, 0x300000, 1) <unfinished ...>");
        assertThat(observer.unexplainedReturns()).isEqualTo(1);
    }

    @Test
    void aThreadSharesTheAddressSpaceAndIsToldApartByItsStack() {
        int threadStack = 0x280000;
        call(A, STACK, 20);
        back(A, STACK, AFTER_INT, 60);
        call(A, STACK, 120, 0x3d0f00, threadStack, 0x290000, 0x291000, 0x292000); // clone a thread onto its own stack
        back(A, STACK, AFTER_INT, 61);                     // the parent first this time
        back(A, threadStack, AFTER_INT, 0);                // the thread, on its stack
        call(A, threadStack - 0x100, 224);
        back(A, threadStack - 0x100, AFTER_INT, 61);
        call(A, STACK - 0x20, 20);                         // the parent again: nearest stack
        back(A, STACK - 0x20, AFTER_INT, 60);
        call(A, threadStack - 0x80, 1, 0);
        assertThat(lines()).containsExactly("[pid 60] getpid() = 60",
                "[pid 60] clone(child_stack=0x280000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD"
                        + "|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, parent_tid=0x290000, tls=0x291000,"
                        + " child_tidptr=0x292000) = 61",
                "[pid 60/tid 61] gettid() = 61", "[pid 60] getpid() = 60", "[pid 60/tid 61] exit(0) = ?");
        LinuxTask thread = observer.tasks().get(1);
        assertThat(thread.pid()).isEqualTo(60);
        assertThat(thread.tid()).isEqualTo(61);
        assertThat(thread.end()).isEqualTo(LinuxTask.End.EXIT);
        assertThat(observer.tasks().get(0).alive()).isTrue();
    }

    @Test
    void aListenerHearsCallsTasksAndSignalsAsTheyHappen() {
        List<String> heard = new ArrayList<>();
        LinuxSyscallObserver.Listener l = new LinuxSyscallObserver.Listener() {
            @Override public void callEnded(LinuxCall c) { heard.add("call " + c.nr() + " " + c.outcome()); }
            @Override public void signalDelivered(LinuxSignal s) { heard.add("signal " + s.signal()); }
            @Override public void taskAppeared(LinuxTask t) { heard.add("task " + t.id() + (t.parent() == null ? "" : " of " + t.parent().id())); }
            @Override public void taskEnded(LinuxTask t) { heard.add("end " + t.id() + " " + t.end() + " " + t.exitStatus()); }
        };
        cpu.hooks.remove((dev.kerf.emulator.hook.InterruptHook) observer);
        cpu.hooks.remove((dev.kerf.emulator.hook.PrivilegeHook) observer);
        observer = new LinuxSyscallObserver(LinuxSyscalls.i386(), new GuestMemory(cpu.memory), 4096, l);
        observer.attach(cpu.hooks);
        call(A, STACK, 2);
        back(A, STACK, AFTER_INT, 7);
        back(B, STACK, AFTER_INT, 0);
        cpu.memory.write32(STACK - 0x100 + 4, 17);
        back(A, STACK - 0x100, CODE + 0x80, 17);          // a handler in the parent, interrupting nothing known
        call(B, STACK, 252, 4);
        assertThat(heard).containsExactly("task 1", "call 2 RETURNED", "task 2 of 1", "signal 17", "call 252 NO_RETURN",
                "end 2 EXIT_GROUP 4");
    }
}
