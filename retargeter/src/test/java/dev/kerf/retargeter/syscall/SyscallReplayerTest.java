package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.PageMapping;
import dev.kerf.emulator.usermode.ProcessImage;
import dev.kerf.emulator.usermode.UserRegisters;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replayer on a hand-assembled program: write(1, "hello", 5); read(0, buf, 4); then it loads
 * the word it read and dereferences it, so the bytes the log feeds it decide where it faults.
 */
class SyscallReplayerTest {
    static final int CODE = 0x08048000, FAULTING_EIP = CODE + 49;

    /** The program with its data page at {@code data} (a "rebuilt" variant moves it). */
    static ProcessImage program(int data) {
        ByteBuffer c = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        c.put((byte) 0xB8).putInt(4).put((byte) 0xBB).putInt(1).put((byte) 0xB9).putInt(data).put((byte) 0xBA).putInt(5).put((byte) 0xCD).put((byte) 0x80);
        c.put((byte) 0xB8).putInt(3).put((byte) 0xBB).putInt(0).put((byte) 0xB9).putInt(data + 0x10).put((byte) 0xBA).putInt(4).put((byte) 0xCD).put((byte) 0x80);
        c.put((byte) 0xA1).putInt(data + 0x10); // mov eax, [buf]
        c.put((byte) 0x8B).put((byte) 0x00);    // mov eax, [eax]: faults at what was read
        int[] segments = new int[24];
        for (int i = 0; i < 6; i++) {
            boolean code = i == 1;
            segments[4 * i] = code ? 0x1B : 0x23;
            segments[4 * i + 2] = -1;
            segments[4 * i + 3] = code ? 0xCFFA : 0xCFF2;
        }
        byte[] regs = new byte[UserRegisters.SIZE];
        ByteBuffer r = ByteBuffer.wrap(regs).order(ByteOrder.LITTLE_ENDIAN);
        r.putInt(4 * 4, 0xBFFFFFF0).putInt(4 * UserRegisters.EIP, CODE).putInt(4 * UserRegisters.EFLAGS, 0x202);
        return new ProcessImage(7, "prog", 0x80010011, 0, segments, new int[] {0x80}, List.of(), new UserRegisters(regs),
                List.of(new PageMapping(CODE >>> 12, false), new PageMapping(data >>> 12, true), new PageMapping(0xBFFFF, true)),
                List.of(new MemoryWrite(CODE, c.array()), new MemoryWrite(data, "hello".getBytes(StandardCharsets.US_ASCII))));
    }

    private static SyscallLog log(String written, String read, int cr2) {
        SyscallCall write = new SyscallCall(0x80, 4, new int[] {1, 0x08049000, 5, 0, 0},
                List.of(new CallInput(1, written.getBytes(StandardCharsets.US_ASCII), false)), true, 5, List.of(), List.of(), List.of(), null);
        SyscallCall readCall = new SyscallCall(0x80, 3, new int[] {0, 0x08049010, 4, 0, 0}, List.of(), true, 4, List.of(), List.of(),
                List.of(new CallWrite(1, 0, read.getBytes(StandardCharsets.US_ASCII))), null);
        return new SyscallLog(SyscallAbi.KERF, program(0x08049000), List.of(write, readCall), List.of(), new ProcessEnd(ProcessEnd.Kind.FAULT, 14, 4, FAULTING_EIP, cr2));
    }

    @Test
    void theRecordedProgramReplaysToTheSameFault() {
        SyscallReplayResult r = SyscallReplayer.replay(log("hello", "ABCD", 0x44434241));
        assertThat(r.mismatch()).isNull();
        assertThat(r.callsMatched()).isEqualTo(2);
        assertThat(r.actualEnd()).isEqualTo(new ProcessEnd(ProcessEnd.Kind.FAULT, 14, 4, FAULTING_EIP, 0x44434241));
    }

    @Test
    void theLoggedResultDecidesTheEndingAndAnotherEndingIsReported() {
        SyscallReplayResult r = SyscallReplayer.replay(log("hello", "WXYZ", 0x44434241));
        assertThat(r.identical()).isFalse();
        assertThat(r.mismatch().message()).isEqualTo("the ending after syscall 2 differs: expected page fault (vector 14, error 0x4) at eip"
                + " 0x08048031, cr2 0x44434241, got page fault (vector 14, error 0x4) at eip 0x08048031, cr2 0x5a595857");
    }

    @Test
    void aWriteOfOtherBytesIsTheFirstMismatch() {
        SyscallReplayResult r = SyscallReplayer.replay(log("help!", "ABCD", 0x44434241));
        assertThat(r.mismatch()).isEqualTo(new SyscallMismatch(0, "write", "write(1, \"help!\", 5) = 5",
                "write(1, \"hello\", 5) (the bytes of argument 1 differ)"));
    }

    @Test
    void aRebuiltProgramWithItsBuffersElsewhereGetsTheBytesAtItsOwnPointers() {
        SyscallLog log = log("hello", "ABCD", 0x44434241);
        SyscallReplayResult same = new SyscallReplayer(log, program(0x0804A000), false, 1000).run();
        assertThat(same.mismatch().index()).isZero();
        assertThat(same.mismatch().actual()).endsWith("(argument 1)");
        SyscallReplayResult rebuilt = new SyscallReplayer(log, program(0x0804A000), true, 1000).run();
        assertThat(rebuilt.mismatch()).isNull();
        assertThat(rebuilt.actualEnd().cr2()).isEqualTo(0x44434241);
    }

    @Test
    void aFaultWhereTheLogHasAnotherCallIsTheMismatch() {
        SyscallLog log = log("hello", "ABCD", 0x44434241);
        SyscallLog more = new SyscallLog(SyscallAbi.KERF, log.image(), List.of(log.calls().get(0), log.calls().get(1), log.calls().get(1)), List.of(), log.end());
        SyscallReplayResult r = new SyscallReplayer(more, more.image(), false, 1000).run();
        assertThat(r.mismatch().index()).isEqualTo(2);
        assertThat(r.mismatch().actual()).isEqualTo("fault 14 (error 0x4) at eip 0x08048031, cr2 0x44434241");
    }

    @Test
    void aRebuiltProgramsStackGrowsOnDemandAsTheKernelGrowsIt() {
        ProcessImage base = program(0x08049000);
        ByteBuffer c = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
        c.put((byte) 0xBC).putInt(0xBFFFE100);              // mov esp, 0xbfffe100: a page below the stack
        c.put((byte) 0x6A).put((byte) 0x41);                 // push 0x41: not present
        c.put((byte) 0xB8).putInt(1).put((byte) 0xBB).putInt(0).put((byte) 0xCD).put((byte) 0x80); // exit(0)
        ProcessImage image = new ProcessImage(7, "prog", base.cr0(), base.cr4(), base.segments(), base.userGates(), List.of(), base.registers(),
                base.pages(), List.of(new MemoryWrite(CODE, c.array())));
        SyscallCall exit = new SyscallCall(0x80, 1, new int[] {0, 0, 0, 0, 0}, List.of(), false, 0, List.of(), List.of(), List.of(), null);
        SyscallLog log = new SyscallLog(SyscallAbi.KERF, image, List.of(exit), List.of(), ProcessEnd.of(ProcessEnd.Kind.EXIT));
        assertThat(new SyscallReplayer(log, image, true, 1000).run().mismatch()).isNull();
        SyscallReplayResult same = SyscallReplayer.replay(log);
        assertThat(same.mismatch().actual()).startsWith("fault 14 (error 0x6) at eip 0x08048005, cr2 0xbfffe0fc");
    }
}
