package dev.kerf.emulator.usermode;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Descriptor changes as a return's effect (Linux's set_thread_area): a hand-made slice whose code
 * makes a call, loads GS with the TLS selector 0x33 the call set up, makes another call, then
 * reads its thread pointer through GS and passes it as the number of a third call. The replay
 * must give the process the descriptor the return carried, and keep GS as user code loaded it
 * across the second return.
 */
class UserModeDescriptorTest {
    private static final int CODE = 0x08048000, DATA = 0x0804A000, STACK = 0xBFFFF000, ESP = 0xBFFFFFF0;
    private static final byte[] PROGRAM = {
            (byte) 0xCD, (byte) 0x80,                      // int 0x80 (set_thread_area)
            0x66, (byte) 0xB8, 0x33, 0x00,                 // mov ax, 0x33
            (byte) 0x8E, (byte) 0xE8,                      // mov gs, ax
            (byte) 0xB8, 20, 0, 0, 0,                      // mov eax, 20
            (byte) 0xCD, (byte) 0x80,                      // int 0x80 (getpid)
            0x65, (byte) 0xA1, 0, 0, 0, 0,                 // mov eax, gs:[0]
            (byte) 0xCD, (byte) 0x80};                     // int 0x80 (the number read through GS)
    private static final int[] FLAT_USER = {0x7B, 0, -1, 0xC0F3, 0x73, 0, -1, 0xC0FB, 0x7B, 0, -1, 0xC0F3,
            0x7B, 0, -1, 0xC0F3, 0, 0, 0, 0, 0, 0, 0, 0};
    /** GDT entry 6: base DATA, 4 GiB limit, present, DPL 3, read/write data. */
    private static final Descriptor TLS = new Descriptor(6, (DATA << 16) | 0xFFFF, (DATA & 0xFF000000) | 0xCF << 16 | 0xF3 << 8 | (DATA >>> 16) & 0xFF);

    private static UserRegisters regs(int eax, int eip) {
        byte[] b = new byte[UserRegisters.SIZE];
        int[] v = {eax, 0, 0, 0, ESP, 0, 0, 0, eip, 0x202};
        for (int i = 0; i < v.length; i++) for (int k = 0; k < 4; k++) b[4 * i + k] = (byte) (v[i] >>> (8 * k));
        return new UserRegisters(b);
    }

    private static ProcessSlice slice(List<Descriptor> setByTheCall) {
        ProcessImage image = new ProcessImage(7, "tls", 0x80010011, 0, FLAT_USER, new int[] {0x80}, List.of(), regs(243, CODE),
                List.of(new PageMapping(CODE >>> 12, false), new PageMapping(DATA >>> 12, true), new PageMapping(STACK >>> 12, true)),
                List.of(new MemoryWrite(CODE, PROGRAM.clone()), new MemoryWrite(DATA, new byte[] {0x34, 0x12})));
        KernelReturn tlsSet = new KernelReturn(List.of(), List.of(), List.of(), regs(0, CODE + 2), setByTheCall, null);
        KernelReturn pid = new KernelReturn(List.of(), List.of(), List.of(), regs(7, CODE + 15));
        return new ProcessSlice(image, List.of(
                new Transition(1, new UserExit.Syscall(0x80, 243, new int[5]), regs(243, CODE + 2).digest(), tlsSet),
                new Transition(5, new UserExit.Syscall(0x80, 20, new int[5]), regs(20, CODE + 15).digest(), pid),
                new Transition(7, new UserExit.Syscall(0x80, 0x1234, new int[5]), regs(0x1234, CODE + 23).digest(), null)));
    }

    @Test
    void theDescriptorAReturnSetsIsWhatUserCodeLoadsAndGsSurvivesTheNextReturn() {
        UserReplayResult r = new UserModeReplayer(slice(List.of(TLS))).run();
        assertThat(r.verified()).as(String.valueOf(r.divergence())).isTrue();
        assertThat(r.exitsMatched()).isEqualTo(3);
        assertThat(r.lastExit()).isEqualTo(new UserExit.Syscall(0x80, 0x1234, new int[5]));
    }

    @Test
    void withoutTheDescriptorTheSelectorLoadFaultsAsOnTheUnpatchedSlicer() {
        UserReplayResult r = new UserModeReplayer(slice(List.of())).run();
        assertThat(r.verified()).isFalse();
        assertThat(r.divergence().transition()).isEqualTo(1);
        assertThat(r.divergence().actual()).startsWith("fault 13 (error 0x30) at eip 0x08048006");
    }

    @Test
    void aClearedDescriptorFaultsAgain() {
        // the return clears entry 6 (all zeros): loading 0x33 is a #GP naming the selector
        UserReplayResult r = new UserModeReplayer(slice(List.of(new Descriptor(6, 0, 0)))).run();
        assertThat(r.verified()).isFalse();
        assertThat(r.divergence().actual()).startsWith("fault 13 (error 0x30)");
    }

    @Test
    void theReplayersRingZeroKeepsOutOfTheEntriesTheProcessNames() {
        // the process's user CS/DS are entries 14 and 15, its TLS 6; the replayer's ring 0 takes the highest free ones
        UserModeReplayer replayer = new UserModeReplayer(slice(List.of(TLS)));
        assertThat(replayer.run().verified()).isTrue();
        assertThat(replayer.cpu().seg[1].selector >>> 3).isEqualTo(UserModeMachine.GDT_ENTRIES - 1); // stopped in the stub: kernel CS
    }
}
