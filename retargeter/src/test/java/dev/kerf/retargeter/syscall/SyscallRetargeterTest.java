package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.usermode.KernelReturn;
import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.ProcessSlice;
import dev.kerf.emulator.usermode.Transition;
import dev.kerf.emulator.usermode.UserExit;
import dev.kerf.emulator.usermode.UserRegisters;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static dev.kerf.retargeter.syscall.SyscallReplayerTest.CODE;
import static dev.kerf.retargeter.syscall.SyscallReplayerTest.FAULTING_EIP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A process slice of the hand-assembled program of {@link SyscallReplayerTest} (write, read, fault),
 * with a preemption that changed nothing and an interrupt return that changed memory, becomes the
 * log that program's replay expects: calls by index, the preemption dropped, the change kept as an
 * asynchronous effect before the call that followed it.
 */
class SyscallRetargeterTest {
    private static final int DATA = 0x08049000;

    /** EAX ECX EDX EBX ESP EBP ESI EDI, EIP; EFLAGS 0x202. */
    private static UserRegisters regs(int eax, int ecx, int edx, int ebx, int eip) {
        ByteBuffer b = ByteBuffer.allocate(UserRegisters.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(eax).putInt(ecx).putInt(edx).putInt(ebx).putInt(0xBFFFFFF0).putInt(0).putInt(0).putInt(0).putInt(eip).putInt(0x202);
        return new UserRegisters(b.array());
    }

    private static KernelReturn back(UserRegisters r, MemoryWrite... writes) {
        return new KernelReturn(List.of(), List.of(), List.of(writes), r);
    }

    static ProcessSlice slice(int changedByte) {
        UserRegisters preempted = regs(4, 0, 0, 1, CODE + 10);
        UserRegisters atWrite = regs(4, DATA, 5, 1, CODE + 22);
        UserRegisters signalled = regs(3, DATA, 5, 0, CODE + 32);
        UserRegisters atRead = regs(3, DATA + 0x10, 4, 0, CODE + 44);
        UserRegisters atFault = regs(0x44434241, DATA + 0x10, 4, 0, FAULTING_EIP);
        return new ProcessSlice(SyscallReplayerTest.program(DATA), List.of(
                new Transition(2, new UserExit.Interrupt(32), preempted.digest(), back(preempted)),
                new Transition(5, new UserExit.Syscall(0x80, 4, new int[] {1, DATA, 5, 0, 0}), atWrite.digest(), back(regs(5, DATA, 5, 1, CODE + 22))),
                new Transition(7, new UserExit.Interrupt(32), signalled.digest(), back(signalled, new MemoryWrite(DATA + 0x100, new byte[] {(byte) changedByte}))),
                new Transition(10, new UserExit.Syscall(0x80, 3, new int[] {0, DATA + 0x10, 4, 0, 0}), atRead.digest(),
                        back(regs(4, DATA + 0x10, 4, 0, CODE + 44), new MemoryWrite(DATA + 0x10, "ABCD".getBytes()))),
                new Transition(11, new UserExit.Fault(14, 4, FAULTING_EIP, 0x44434241), atFault.digest(), null)));
    }

    @Test
    void callsAreKeptByIndexPreemptionsDroppedChangesKeptAsAsynchronousEffects() {
        SyscallLog log = SyscallRetargeter.retarget(slice(7));
        assertThat(log.calls()).extracting(SyscallAbi.KERF::line).containsExactly("write(1, \"hello\", 5) = 5", "read(0, \"ABCD\", 4) = 4");
        assertThat(log.calls().get(1).writes()).singleElement().extracting(CallWrite::where).isEqualTo("arg1+0");
        assertThat(log.calls().get(0).registers()).isNull();
        assertThat(log.async()).singleElement().satisfies(a -> {
            assertThat(a.beforeCall()).isEqualTo(1);
            assertThat(a.cause()).isEqualTo("interrupt 32");
            assertThat(a.registers()).isNull();
        });
        assertThat(log.end()).isEqualTo(new ProcessEnd(ProcessEnd.Kind.FAULT, 14, 4, FAULTING_EIP, 0x44434241));
        SyscallReplayResult same = SyscallReplayer.replay(log);
        assertThat(same.mismatch()).isNull();
        SyscallReplayResult rebuilt = new SyscallReplayer(log, SyscallReplayerTest.program(0x0804A000), true, 1000).run();
        assertThat(rebuilt.mismatch().message()).contains("asynchronous effect before syscall 1 (after interrupt 32)")
                .contains("not replayable at the syscall level against a rebuilt binary");
    }

    @Test
    void aSliceThatDoesNotReplayIsRefused() {
        ProcessSlice good = slice(7);
        List<Transition> ts = new java.util.ArrayList<>(good.transitions());
        Transition w = ts.get(1);
        ts.set(1, new Transition(w.userIcount(), new UserExit.Syscall(0x80, 4, new int[] {2, DATA, 5, 0, 0}), w.registerDigest(), w.back()));
        assertThatThrownBy(() -> SyscallRetargeter.retarget(new ProcessSlice(good.start(), ts)))
                .isInstanceOf(SyscallRetargetException.class).hasMessageStartingWith("the process slice does not replay, so it cannot be retargeted:");
    }
}
