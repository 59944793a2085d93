package dev.kerf.emulator.usermode;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user-mode replayer on a hand-made slice: {@code mov eax,4; mov ebx,1; int 0x80; mov eax,[0]}
 * at 0x08048000, page 0 supervisor-only as in the kerf guest. The syscall's return writes eax and
 * a stack byte; the load then faults as a protection violation.
 */
class UserModeReplayerTest {
    private static final int CODE = 0x08048000, STACK = 0xBFFFF000, ESP = 0xBFFFFFF0;
    private static final byte[] PROGRAM = {(byte) 0xB8, 4, 0, 0, 0, (byte) 0xBB, 1, 0, 0, 0, (byte) 0xCD, (byte) 0x80,
            (byte) 0xA1, 0, 0, 0, 0};
    private static final int[] FLAT_USER = {0x23, 0, -1, 0xC0F3, 0x1B, 0, -1, 0xC0FB, 0x23, 0, -1, 0xC0F3,
            0x23, 0, -1, 0xC0F3, 0x23, 0, -1, 0xC0F3, 0x23, 0, -1, 0xC0F3};

    private static UserRegisters regs(int eax, int ebx, int eip) {
        byte[] b = new byte[UserRegisters.SIZE];
        int[] v = {eax, 0, 0, ebx, ESP, 0, 0, 0, eip, 0x202};
        for (int i = 0; i < v.length; i++) for (int k = 0; k < 4; k++) b[4 * i + k] = (byte) (v[i] >>> (8 * k));
        return new UserRegisters(b);
    }

    private static ProcessSlice slice(List<PageRun> supervisor, UserExit.Fault fault, int faultAt) {
        ProcessImage image = new ProcessImage(7, "hand", 0x80010011, 0, FLAT_USER, new int[] {0x80}, supervisor, regs(0, 0, CODE),
                List.of(new PageMapping(CODE >>> 12, false), new PageMapping(STACK >>> 12, true)),
                List.of(new MemoryWrite(CODE, PROGRAM.clone())));
        KernelReturn back = new KernelReturn(List.of(), List.of(), List.of(new MemoryWrite(ESP + 4, new byte[] {42})), regs(5, 1, CODE + 12));
        return new ProcessSlice(image, List.of(
                new Transition(3, new UserExit.Syscall(0x80, 4, new int[] {1, 0, 0, 0, 0}), regs(4, 1, CODE + 12).digest(), back),
                new Transition(faultAt, fault, regs(5, 1, CODE + 12).digest(), null)));
    }

    @Test
    void replaysTheSyscallAndTheProtectionFaultOnASupervisorPage() {
        UserReplayResult r = new UserModeReplayer(slice(List.of(new PageRun(0, 1)), new UserExit.Fault(14, 5, CODE + 12, 0), 3)).run();
        assertThat(r.verified()).as(String.valueOf(r.divergence())).isTrue();
        assertThat(r.exitsMatched()).isEqualTo(2);
        assertThat(r.userInstructions()).isEqualTo(3);
        assertThat(r.lastExit()).isEqualTo(new UserExit.Fault(14, 5, CODE + 12, 0));
    }

    @Test
    void withoutTheSupervisorPageTheFaultIsNotPresentAndDiverges() {
        UserReplayResult r = new UserModeReplayer(slice(List.of(), new UserExit.Fault(14, 5, CODE + 12, 0), 3)).run();
        assertThat(r.verified()).isFalse();
        assertThat(r.divergence().transition()).isEqualTo(1);
        assertThat(r.divergence().actual()).startsWith("fault 14 (error 0x4) at eip 0x0804800c");
    }

    @Test
    void aFaultRecordedAtAnotherInstructionCountDiverges() {
        UserReplayResult r = new UserModeReplayer(slice(List.of(new PageRun(0, 1)), new UserExit.Fault(14, 5, CODE + 12, 0), 4)).run();
        assertThat(r.verified()).isFalse();
        assertThat(r.divergence().message()).contains("exit 1").contains("expected fault 14").contains("at user instruction 4")
                .contains("got fault 14 (error 0x5) at eip 0x0804800c, cr2 0x00000000 at user instruction 3");
    }

    @Test
    void aPreemptionPointIsReachedExactly() {
        ProcessSlice full = slice(List.of(new PageRun(0, 1)), new UserExit.Fault(14, 5, CODE + 12, 0), 3);
        UserRegisters afterFirstMov = regs(4, 0, CODE + 5);
        KernelReturn same = new KernelReturn(List.of(), List.of(), List.of(), regs(4, 0, CODE + 5));
        ProcessSlice preempted = new ProcessSlice(full.start(), List.of(
                new Transition(1, new UserExit.Interrupt(32), afterFirstMov.digest(), same), full.transitions().get(0),
                full.transitions().get(1)));
        UserReplayResult r = new UserModeReplayer(preempted).run();
        assertThat(r.verified()).as(String.valueOf(r.divergence())).isTrue();
        assertThat(r.exitsMatched()).isEqualTo(3);
    }

    @Test
    void regionsAreLiveForARedactor() {
        ProcessSlice s = slice(List.of(new PageRun(0, 1)), new UserExit.Fault(14, 5, CODE + 12, 0), 3);
        List<SliceRegion> regions = s.regions();
        assertThat(regions).extracting(SliceRegion::kind).containsExactly(SliceRegion.Kind.INITIAL_REGISTERS,
                SliceRegion.Kind.INITIAL_MEMORY, SliceRegion.Kind.RETURN_MEMORY, SliceRegion.Kind.RETURN_REGISTERS);
        regions.get(1).bytes()[1] = 9; // mov eax,9: the syscall number no longer matches
        UserReplayResult r = new UserModeReplayer(s).run();
        assertThat(r.verified()).isFalse();
        assertThat(r.divergence().transition()).isZero();
        assertThat(r.divergence().actual()).startsWith("syscall 9 ");
    }
}
