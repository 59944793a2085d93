package dev.kerf.emulator.device;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class Uart16550Test {
    private static final int COM1 = 0x3F8;
    private final FakeClock clock = new FakeClock();
    private final RecordingIrq irq = new RecordingIrq();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Uart16550 uart = new Uart16550(clock, irq, out);

    @Test
    void transmitGoesToConsoleAndThrStaysEmpty() {
        assertThat(uart.read(COM1 + 5, 1) & 0x60).isEqualTo(0x60);
        for (byte b : "hi\n".getBytes(StandardCharsets.US_ASCII)) {
            uart.write(COM1, 1, b);
        }
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("hi\n");
        uart.write(COM1, 1, 'x');
        assertThat(out.size()).isEqualTo(3); // buffered until a newline or flush
        uart.flush();
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("hi\nx");
        assertThat(uart.read(COM1 + 5, 1) & 0x60).isEqualTo(0x60);
    }

    @Test
    void divisorLatchIsBehindDlab() {
        uart.write(COM1 + 3, 1, 0x80);
        uart.write(COM1, 1, 0x01);
        uart.write(COM1 + 1, 1, 0x00);
        assertThat(uart.read(COM1, 1)).isEqualTo(0x01);
        assertThat(uart.read(COM1 + 1, 1)).isZero();
        uart.write(COM1 + 3, 1, 0x03);
        assertThat(uart.divisor()).isEqualTo(1);
        assertThat(uart.read(COM1 + 3, 1)).isEqualTo(0x03);
        assertThat(uart.read(COM1 + 1, 1)).isZero(); // IER again
        assertThat(out.size()).isZero();
    }

    @Test
    void thrEmptyInterruptNeedsOut2AndClearsOnIirRead() {
        assertThat(uart.read(COM1 + 4, 1)).isEqualTo(0x08); // OUT2 set at reset, as QEMU
        uart.write(COM1 + 4, 1, 0x03);
        uart.write(COM1 + 1, 1, 0x02);
        assertThat(uart.read(COM1 + 2, 1) & 0x0F).isEqualTo(0x02);
        uart.write(COM1 + 1, 1, 0x00);
        uart.write(COM1 + 1, 1, 0x02);
        assertThat(irq.level).isFalse(); // OUT2 low: the PC's IRQ driver is off
        uart.write(COM1 + 4, 1, 0x0B);
        assertThat(irq.level).isTrue();
        assertThat(uart.read(COM1 + 2, 1) & 0x0F).isEqualTo(0x02);
        assertThat(uart.read(COM1 + 2, 1) & 0x0F).isEqualTo(0x01);
        assertThat(irq.level).isFalse();
        int edges = irq.risingEdges;
        uart.write(COM1, 1, 'a'); // THR empties again: a fresh edge
        assertThat(irq.risingEdges).isEqualTo(edges + 1);
    }

    @Test
    void loopbackEchoesAndReflectsModemLines() {
        uart.write(COM1 + 4, 1, 0x10 | 0x03);
        assertThat(uart.read(COM1 + 6, 1) & 0xF0).isEqualTo(0x30); // CTS=RTS, DSR=DTR
        uart.write(COM1, 1, 0xAE);
        assertThat(uart.read(COM1 + 5, 1) & 0x01).isEqualTo(1);
        assertThat(uart.read(COM1, 1)).isEqualTo(0xAE);
        assertThat(uart.read(COM1 + 5, 1) & 0x01).isZero();
        uart.flush();
        assertThat(out.size()).isZero();
        uart.write(COM1 + 4, 1, 0x00);
        assertThat(uart.read(COM1 + 6, 1) & 0xF0).isEqualTo(0xB0);
    }

    @Test
    void fifoModeIirAndOverrun() {
        uart.write(COM1 + 2, 1, 0x07);
        assertThat(uart.read(COM1 + 2, 1) & 0xC0).isEqualTo(0xC0);
        uart.write(COM1 + 4, 1, 0x10);
        for (int i = 0; i < 17; i++) {
            uart.write(COM1, 1, i);
        }
        assertThat(uart.read(COM1 + 5, 1) & 0x03).isEqualTo(0x03); // DR + OE
        assertThat(uart.read(COM1 + 5, 1) & 0x02).isZero();
        for (int i = 0; i < 16; i++) {
            assertThat(uart.read(COM1, 1)).isEqualTo(i);
        }
    }

    @Test
    void virtualInputIsReadWhenTheGuestIdlesWithReceiveInterruptsAndIsPaced() {
        uart.attachInput(new VirtualSerialInput(new ByteArrayInputStream(new byte[] {'o', 'k'}), uart::flush));
        uart.write(COM1 + 1, 1, 0x01);
        uart.write(COM1 + 4, 1, 0x08);
        uart.poll(0);
        assertThat(uart.read(COM1 + 5, 1) & 0x01).isZero();
        assertThat(uart.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE); // nothing asked for yet
        uart.idle(0);
        assertThat(uart.nextDeadlineNanos()).isEqualTo(SerialInput.BYTE_NANOS); // due one byte time after start
        clock.now = SerialInput.BYTE_NANOS;
        uart.poll(clock.now);
        assertThat(irq.level).isTrue();
        assertThat(uart.read(COM1 + 2, 1) & 0x0F).isEqualTo(0x04);
        clock.now = 10 * SerialInput.BYTE_NANOS;
        uart.idle(clock.now); // the guest has not taken 'o': no second byte is read
        assertThat(uart.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
        assertThat(uart.read(COM1, 1)).isEqualTo('o');
        assertThat(irq.level).isFalse();
        uart.idle(clock.now);
        assertThat(uart.nextDeadlineNanos()).isEqualTo(clock.now); // due at once: long past the pacing
        uart.poll(clock.now);
        assertThat(uart.read(COM1, 1)).isEqualTo('k');
        uart.idle(clock.now + 1); // paced: the next byte would be due one byte time after 'k'
        assertThat(uart.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE); // end of input
    }

    @Test
    void virtualInputIsPacedOneByteTimeApart() {
        uart.attachInput(new VirtualSerialInput(new ByteArrayInputStream(new byte[] {'a', 'b'}), uart::flush));
        uart.write(COM1 + 1, 1, 0x01);
        clock.now = 5 * SerialInput.BYTE_NANOS;
        uart.idle(clock.now);
        uart.poll(clock.now);
        assertThat(uart.read(COM1, 1)).isEqualTo('a');
        clock.now += 100;
        uart.idle(clock.now);
        assertThat(uart.nextDeadlineNanos()).isEqualTo(6 * SerialInput.BYTE_NANOS);
    }

    @Test
    void virtualInputIsNotReadForAGuestThatDoesNotWaitForIt() {
        InputStream untouchable = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the console was read though the guest did not wait for input");
            }
        };
        uart.attachInput(new VirtualSerialInput(untouchable, uart::flush));
        for (int i = 0; i < 3; i++) { // a driver's transmit loop: LSR, THR, LSR, THR...
            uart.read(COM1 + 5, 1);
            uart.write(COM1, 1, 'x');
        }
        for (int i = 1; i < Uart16550.POLLING_READS; i++) {
            uart.read(COM1 + 5, 1); // a driver's status reads, but fewer than a polling loop makes
        }
        uart.read(COM1 + 1, 1);
        uart.read(COM1 + 5, 1);
        uart.idle(0);             // receive interrupt off
        uart.write(COM1 + 1, 1, 0x01);
        uart.write(COM1 + 4, 1, 0x00);
        uart.idle(0);             // on, but OUT2 keeps it from the PIC
        uart.poll(SerialInput.BYTE_NANOS);
        assertThat(uart.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void virtualInputIsReadWhenAPollingGuestKeepsReadingAnEmptyLsr() {
        uart.attachInput(new VirtualSerialInput(new ByteArrayInputStream(new byte[] {'p'}), uart::flush));
        for (int i = 1; i < Uart16550.POLLING_READS; i++) {
            assertThat(uart.read(COM1 + 5, 1) & 0x01).isZero();
        }
        assertThat(uart.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
        clock.now = 7 * SerialInput.BYTE_NANOS;
        assertThat(uart.read(COM1 + 5, 1) & 0x01).isZero(); // this read asks; the byte is not in yet
        assertThat(uart.nextDeadlineNanos()).isEqualTo(clock.now);
        uart.poll(clock.now);
        assertThat(uart.read(COM1 + 5, 1) & 0x01).isEqualTo(1);
        assertThat(uart.read(COM1, 1)).isEqualTo('p');
    }

    @Test
    void characterTimeoutBelowTriggerLevel() {
        uart.attachInput(new VirtualSerialInput(new ByteArrayInputStream(new byte[] {'z'}), uart::flush));
        uart.write(COM1 + 2, 1, 0x81); // FIFO on, trigger level 8
        uart.write(COM1 + 1, 1, 0x01);
        uart.write(COM1 + 4, 1, 0x08);
        uart.idle(0);
        clock.now = SerialInput.BYTE_NANOS;
        uart.poll(clock.now);
        assertThat(irq.level).isFalse();
        long timeout = uart.nextDeadlineNanos();
        assertThat(timeout).isEqualTo(5 * SerialInput.BYTE_NANOS);
        clock.now = timeout;
        uart.poll(clock.now);
        assertThat(irq.level).isTrue();
        assertThat(uart.read(COM1 + 2, 1) & 0x0F).isEqualTo(0x0C);
        assertThat(uart.read(COM1, 1)).isEqualTo('z');
        assertThat(irq.level).isFalse();
    }

    @Test
    void hostInputArrivesThroughTheReaderThreadAndWakesTheClock() throws Exception {
        java.io.PipedOutputStream typist = new java.io.PipedOutputStream();
        java.io.PipedInputStream console = new java.io.PipedInputStream(typist);
        HostClock host = new HostClock();
        Uart16550 hostUart = new Uart16550(host, irq, out);
        hostUart.attachInput(new HostSerialInput(console, host));
        assertThat(hostUart.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
        typist.write('k');
        typist.flush();
        long before = host.nanos();
        host.idleUntil(before + 30_000_000_000L); // returns when the reader thread wakes it
        assertThat(host.nanos() - before).isLessThan(20_000_000_000L);
        for (int i = 0; i < 1000 && hostUart.nextDeadlineNanos() != 0; i++) {
            Thread.sleep(1); // the wake-up may come a moment before the queue is visible
        }
        hostUart.poll(host.nanos());
        assertThat(hostUart.read(COM1, 1)).isEqualTo('k');
        typist.close();
    }

    @Test
    void brokenConsoleOutputIsDroppedQuietly() {
        java.io.OutputStream closed = new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("Broken pipe");
            }
        };
        Uart16550 piped = new Uart16550(clock, irq, closed);
        piped.write(COM1, 1, 'a');
        piped.write(COM1, 1, '\n');
        piped.write(COM1, 1, 'b');
        piped.close();
        assertThat(piped.read(COM1 + 5, 1) & 0x60).isEqualTo(0x60);
    }

    @Test
    void scratchRegisterHoldsAByte() {
        uart.write(COM1 + 7, 1, 0x5A);
        assertThat(uart.read(COM1 + 7, 1)).isEqualTo(0x5A);
    }
}
