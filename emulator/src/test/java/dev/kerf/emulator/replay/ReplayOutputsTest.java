package dev.kerf.emulator.replay;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayOutputsTest {
    @Test
    void com1BytesAreTheConsoleExceptDivisorWritesAndLoopback() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReplayOutputs o = new ReplayOutputs(out);
        o.out(0x3FB, 1, 0x80);    // DLAB on
        o.out(0x3F8, 1, 0x01);    // divisor low: not a byte of output
        o.out(0x3FB, 1, 0x03);    // DLAB off, 8N1
        o.out(0x3F8, 1, 'h');
        o.out(0x3FC, 1, 0x1B);    // loopback on: the byte stays in the UART
        o.out(0x3F8, 1, 'x');
        o.out(0x3FC, 1, 0x0B);
        o.out(0x3F8, 2, 0x0069);  // a word write: 'i' to 0x3F8, 0 to IER
        o.out(0x3F8, 1, '\n');
        o.out(0x80, 1, 'z');      // POST port: not the console
        o.flush();
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("hi\n");
        assertThat(o.consoleBytes()).isEqualTo(3);
        assertThat(o.exitRequested()).isFalse();
    }

    @Test
    void theFirstDebugExitWriteGivesTheStatus() {
        ReplayOutputs o = new ReplayOutputs(null);
        o.out(0xF4, 4, 0x12345607);
        o.out(0xF4, 1, 0);
        assertThat(o.exitRequested()).isTrue();
        assertThat(o.exitStatus()).isEqualTo((0x12345607 << 1) | 1);
        ReplayOutputs byteWide = new ReplayOutputs(null);
        byteWide.out(0xF5, 1, 0x1FF);
        assertThat(byteWide.exitStatus()).isEqualTo((0xFF << 1) | 1);
    }

    @Test
    void aBrokenConsoleIsDroppedAndTheReplayGoesOn() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        ReplayOutputs o = new ReplayOutputs(broken);
        for (char c : "one\ntwo\n".toCharArray()) o.out(0x3F8, 1, c);
        o.flush();
        assertThat(o.consoleBytes()).isEqualTo(8);
    }
}
