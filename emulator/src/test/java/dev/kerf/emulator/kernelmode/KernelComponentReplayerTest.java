package dev.kerf.emulator.kernelmode;

import dev.kerf.emulator.usermode.ComponentActivation;
import dev.kerf.emulator.usermode.ComponentImage;
import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.UserExit;
import dev.kerf.emulator.usermode.UserRegisters;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A hand-made ring-0 activation in identity-mapped kernel memory: reads a port, echoes it to the
 * port, stores it, loads a kernel variable through EBX, returns.
 */
class KernelComponentReplayerTest {
    private static final int CODE = 0x00103000, VAR = 0x00140000, STORE = 0x00140100, ESP = 0x00108FF0, RET = 0x00102000;
    /** mov dx,0x300; in al,dx; out dx,al; mov [STORE],al; mov ecx,[ebx]; ret */
    private static final byte[] DRIVER = {0x66, (byte) 0xBA, 0x00, 0x03, (byte) 0xEC, (byte) 0xEE, (byte) 0xA2, 0x00, 0x01, 0x14, 0x00,
            (byte) 0x8B, 0x0B, (byte) 0xC3};
    private static final int[] FLAT_KERNEL = {0x10, 0, -1, 0xC093, 0x08, 0, -1, 0xC09B, 0x10, 0, -1, 0xC093,
            0x10, 0, -1, 0xC093, 0x10, 0, -1, 0xC093, 0x10, 0, -1, 0xC093};
    private static final ComponentImage IMAGE = new ComponentImage(0x80010011, 0, FLAT_KERNEL, List.of(new MemoryWrite(CODE, DRIVER)));

    private static UserRegisters regs(int ebx) {
        byte[] b = new byte[UserRegisters.SIZE];
        int[] v = {0, 0, 0, ebx, ESP, 0, 0, 0, CODE, 0x2};
        for (int i = 0; i < v.length; i++) for (int k = 0; k < 4; k++) b[4 * i + k] = (byte) (v[i] >>> (8 * k));
        return new UserRegisters(b);
    }

    private static ComponentActivation activation(int ebx, ComponentActivation.End end, long instructions, UserExit.Fault fault) {
        List<MemoryWrite> loads = List.of(new MemoryWrite(VAR, new byte[] {1, 2, 3, 4}), new MemoryWrite(ESP, new byte[] {0, 0x20, 0x10, 0}));
        return new ComponentActivation(-1, regs(ebx), RET, loads, end, instructions, 0x5A, fault, List.of(new MemoryWrite(STORE, new byte[] {0x5A})));
    }

    private static PortLog log(int outValue, boolean extra) {
        PortLog.Builder b = new PortLog.Builder();
        b.add(false, 0x300, 1, 0x5A);
        b.add(true, 0x300, 1, outValue);
        if (extra) b.add(false, 0x307, 1, 0x40);
        return b.build();
    }

    @Test
    void aCallIsServedItsPortInputAndItsPortOutputChecked() {
        assertThat(KernelComponentReplayer.replay(IMAGE, activation(VAR, ComponentActivation.End.RETURNED, 6, null), log(0x5A, false))).isNull();
    }

    @Test
    void anotherPortOutputDiverges() {
        assertThat(KernelComponentReplayer.replay(IMAGE, activation(VAR, ComponentActivation.End.RETURNED, 6, null), log(0x5B, false)))
                .contains("it writes port 0x300 (1 bytes, value 0x5a) where the recording's port access 1 wrote port 0x300 (1 bytes, value 0x5b)");
    }

    @Test
    void aPortLogNotUsedUpDiverges() {
        assertThat(KernelComponentReplayer.replay(IMAGE, activation(VAR, ComponentActivation.End.RETURNED, 6, null), log(0x5A, true)))
                .isEqualTo("it made 2 port accesses, recorded 3");
    }

    @Test
    void anInputPastTheLogDiverges() {
        PortLog.Builder b = new PortLog.Builder();
        assertThat(KernelComponentReplayer.replay(IMAGE, activation(VAR, ComponentActivation.End.RETURNED, 6, null), b.build()))
                .contains("it reads port 0x300 (1 bytes) after the 0 recorded port accesses");
    }

    @Test
    void aLoadOutsideTheLogDiverges() {
        assertThat(KernelComponentReplayer.replay(IMAGE, activation(VAR + 4, ComponentActivation.End.RETURNED, 6, null), log(0x5A, false)))
                .contains("it loads 0x00140004, a byte the log does not hold");
    }

    @Test
    void aFaultAtRingZeroIsReproduced() {
        UserExit.Fault fault = new UserExit.Fault(14, 0, CODE + 11, 0x7000_0000);
        assertThat(KernelComponentReplayer.replay(IMAGE, activation(0x7000_0000, ComponentActivation.End.FAULTED, 5, fault), log(0x5A, false)))
                .isNull();
    }

    @Test
    void portLogsKeepValuesAsLiveStreams() {
        PortLog.Builder b = new PortLog.Builder();
        b.add(false, 0x310, 2, 0x6568);
        b.add(true, 0x300, 1, 0x22);
        b.add(false, 0x310, 2, 0x6c6c);
        PortLog p = b.build();
        assertThat(new String(p.inputBytes(), java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("hell");
        p.inputBytes()[2] = 'X';
        assertThat(p.value(2)).isEqualTo(0x6c58);
        assertThat(p.value(1)).isEqualTo(0x22);
        assertThatThrownBy(() -> new PortLog(new boolean[] {false}, new int[] {0x300}, new int[] {2}, new byte[1], new byte[0]))
                .hasMessageContaining("hold 2 input and 0 output bytes, the streams 1 and 0");
    }
}
