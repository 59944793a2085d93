package dev.kerf.emulator.usermode;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A hand-made activation: loads through EBX and EDX, a store through ECX, then RET (or a fault). */
class ComponentReplayerTest {
    private static final int CODE = 0x08048000, DATA = 0x0804A000, OUT = 0x0804A100, ESP = 0xBFFFFFF0, RET = 0x08049000;
    /** mov eax,[ebx]; mov [ecx],eax; mov eax,[edx]; ret */
    private static final byte[] PROGRAM = {(byte) 0x8B, 0x03, (byte) 0x89, 0x01, (byte) 0x8B, 0x02, (byte) 0xC3};
    private static final int[] FLAT_USER = {0x23, 0, -1, 0xC0F3, 0x1B, 0, -1, 0xC0FB, 0x23, 0, -1, 0xC0F3,
            0x23, 0, -1, 0xC0F3, 0x23, 0, -1, 0xC0F3, 0x23, 0, -1, 0xC0F3};
    private static final ComponentImage IMAGE = new ComponentImage(0x80010011, 0, FLAT_USER, List.of(new MemoryWrite(CODE, PROGRAM)));

    private static UserRegisters regs(int edx) {
        byte[] b = new byte[UserRegisters.SIZE];
        int[] v = {0, OUT, edx, DATA, ESP, 0, 0, 0, CODE, 0x202};
        for (int i = 0; i < v.length; i++) for (int k = 0; k < 4; k++) b[4 * i + k] = (byte) (v[i] >>> (8 * k));
        return new UserRegisters(b);
    }

    private static List<MemoryWrite> loads(boolean withData) {
        List<MemoryWrite> l = new ArrayList<>();
        if (withData) l.add(new MemoryWrite(DATA, new byte[] {0x44, 0x33, 0x22, 0x11}));
        l.add(new MemoryWrite(ESP, new byte[] {0, (byte) 0x90, 0x04, 0x08}));
        return l;
    }

    private static ComponentActivation returning(boolean withData, int eax) {
        return new ComponentActivation(3, regs(DATA), RET, loads(withData), ComponentActivation.End.RETURNED, 4, eax, null,
                List.of(new MemoryWrite(OUT, new byte[] {0x44, 0x33, 0x22, 0x11})));
    }

    @Test
    void aCallWithItsFirstLoadsReplaysToTheSameReturnValueAndWrites() {
        assertThat(ComponentReplayer.replay(IMAGE, returning(true, 0x11223344))).isNull();
    }

    @Test
    void aLoadTheLogDoesNotHoldDiverges() {
        assertThat(ComponentReplayer.replay(IMAGE, returning(false, 0x11223344))).contains("it loads 0x0804a000, a byte the log does not hold");
    }

    @Test
    void anotherReturnValueDiverges() {
        assertThat(ComponentReplayer.replay(IMAGE, returning(true, 7))).contains("it returned eax=0x11223344, recorded 0x00000007");
    }

    @Test
    void otherWritesDiverge() {
        ComponentActivation a = new ComponentActivation(3, regs(DATA), RET, loads(true), ComponentActivation.End.RETURNED, 4, 0x11223344, null,
                List.of(new MemoryWrite(OUT, new byte[] {0x45, 0x33, 0x22, 0x11})));
        assertThat(ComponentReplayer.replay(IMAGE, a)).contains("its writes differ");
    }

    @Test
    void aFaultingCallEndsInTheSameFaultAtTheSameAddress() {
        UserExit.Fault fault = new UserExit.Fault(14, 4, CODE + 4, 0x41414141);
        ComponentActivation a = new ComponentActivation(3, regs(0x41414141), RET, loads(true), ComponentActivation.End.FAULTED, 3, 0, fault,
                List.of(new MemoryWrite(OUT, new byte[] {0x44, 0x33, 0x22, 0x11})));
        assertThat(ComponentReplayer.replay(IMAGE, a)).isNull();
        ComponentActivation elsewhere = new ComponentActivation(3, regs(0x41414141), RET, loads(true), ComponentActivation.End.FAULTED, 3, 0,
                new UserExit.Fault(14, 4, CODE + 4, 0x42424242), a.writes());
        assertThat(ComponentReplayer.replay(IMAGE, elsewhere)).contains("it faulted with").contains("cr2 0x41414141");
    }

    @Test
    void codeOutsideTheCapturedTextDiverges() {
        ComponentImage shorter = new ComponentImage(0x80010011, 0, FLAT_USER, List.of(new MemoryWrite(CODE, java.util.Arrays.copyOf(PROGRAM, 4))));
        assertThat(ComponentReplayer.replay(shorter, returning(true, 0x11223344))).contains("it executes 0x08048004, outside the captured code");
    }

    @Test
    void anActivationSpreadOverTooManyPagesIsRefusedBeforeAllocating() {
        List<MemoryWrite> loads = new ArrayList<>();
        for (int p = 0; p < (1 << 16) + 1; p++) loads.add(new MemoryWrite(0x10000000 + (p << 12), new byte[] {1}));
        ComponentActivation a = new ComponentActivation(3, regs(DATA), RET, loads, ComponentActivation.End.RETURNED, 4, 0, null, List.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ComponentReplayer.replay(IMAGE, a)).isInstanceOf(UserModeException.class)
                .hasMessageContaining("more than a component replay maps");
    }

    @Test
    void activationMemoryKeepsFirstLoadsOnlyAndLastWrites() {
        ActivationMemory m = new ActivationMemory();
        m.write(0x100, 2, 0xBBAA);
        m.read(0x100, 4, 0x44332211); // the two bytes written inside are not loads
        m.read(0x102, 2, 0x9999);     // already loaded: the first value stays
        m.write(0x101, 1, 0xCC);
        assertThat(m.loads()).hasSize(1);
        assertThat(m.loads().get(0).address()).isEqualTo(0x102);
        assertThat(m.loads().get(0).bytes()).containsExactly(0x33, 0x44);
        assertThat(m.writes().get(0).bytes()).containsExactly(0xAA, 0xCC);
        assertThat(m.uncovered(0x100, 4)).isEqualTo(-1);
        assertThat(m.uncovered(0x103, 2)).isEqualTo(0x104);
    }
}
