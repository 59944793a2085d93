package dev.kerf.emulator.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * COM1 through the steps of Linux's 8250 probe (drivers/tty/serial/8250/8250_port.c: autoconfig,
 * autoconfig_16550a, serial8250_do_startup), each of which must find a 16550A for the kernel to
 * log {@code ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A}.
 */
class Uart16550AutoconfigTest {
    private static final int COM1 = 0x3F8;
    private static final int IER = COM1 + 1, IIR = COM1 + 2, FCR = COM1 + 2, LCR = COM1 + 3, MCR = COM1 + 4,
            LSR = COM1 + 5, MSR = COM1 + 6, SCR = COM1 + 7;
    private final FakeClock clock = new FakeClock();
    private final RecordingIrq irq = new RecordingIrq();
    private final Uart16550 uart = new Uart16550(clock, irq, new ByteArrayOutputStream());

    @Test
    void ierTestReadsBackTheLowNibbleOnly() {
        uart.write(IER, 1, 0x00);
        assertThat(uart.read(IER, 1) & 0x0F).isZero();
        uart.write(IER, 1, 0x0F);
        assertThat(uart.read(IER, 1) & 0x0F).isEqualTo(0x0F);
        uart.write(IER, 1, 0x4F); // UART_IER_UUE: an XScale UART would keep it, a 16550A does not
        assertThat(uart.read(IER, 1) & 0x40).isZero();
    }

    @Test
    void loopbackTestSeesCtsAndDcdFromRtsAndOut2() {
        int saved = uart.read(MCR, 1);
        uart.write(MCR, 1, 0x10 | 0x0A); // LOOP | OUT2 | RTS
        assertThat(uart.read(MSR, 1) & 0xF0).isEqualTo(0x90);
        uart.write(MCR, 1, saved);
        assertThat(uart.read(MSR, 1) & 0xF0).isEqualTo(0xB0);
    }

    @Test
    void fifoEnableShowsBothIirFifoBits() {
        uart.write(LCR, 1, 0x00);
        assertThat(uart.read(IIR, 1) >> 6).isZero(); // FIFOs off: an 8250/16450 would stop here
        uart.write(FCR, 1, 0x01);
        assertThat(uart.read(IIR, 1) >> 6).isEqualTo(3); // 16550A, not the broken-FIFO 16550 (2)
        uart.write(FCR, 1, 0x00);
        assertThat(uart.read(IIR, 1) >> 6).isZero();
    }

    @Test
    void noEfrAndNo64ByteFifo() {
        uart.write(FCR, 1, 0x01);
        uart.write(LCR, 1, 0xBF); // configuration mode B: an EFR would read 0 here
        assertThat(uart.read(IIR, 1)).isNotZero();
        uart.write(LCR, 1, 0x80); // mode A
        assertThat(uart.read(IIR, 1)).isNotZero();
        uart.write(LCR, 1, 0x00);
        uart.write(FCR, 1, 0x01 | 0x20); // the 16750's 64-byte FIFO bit
        int status1 = uart.read(IIR, 1) >> 5;
        uart.write(FCR, 1, 0x01);
        uart.write(LCR, 1, 0x80);
        uart.write(FCR, 1, 0x01 | 0x20);
        int status2 = uart.read(IIR, 1) >> 5;
        uart.write(LCR, 1, 0x00);
        assertThat(status1).isEqualTo(6);
        assertThat(status2).as("a 16750 would show 7").isEqualTo(6);
    }

    @Test
    void scratchRegisterKeepsBothPatterns() {
        uart.write(SCR, 1, 0xA5);
        assertThat(uart.read(SCR, 1)).isEqualTo(0xA5);
        uart.write(SCR, 1, 0x5A);
        assertThat(uart.read(SCR, 1)).isEqualTo(0x5A);
    }

    @Test
    void lsrAfterClearingTheFifosIsTransmitterEmptyAndNotAllOnes() {
        uart.write(FCR, 1, 0x01);
        uart.write(FCR, 1, 0x01 | 0x02 | 0x04);
        uart.write(FCR, 1, 0x00);
        assertThat(uart.read(LSR, 1)).isEqualTo(0x60); // the startup "LSR safety check" wants != 0xFF
        uart.read(COM1, 1); // RBR: nothing, and nothing breaks
        assertThat(uart.read(LSR, 1) & 0x01).isZero();
    }

    @Test
    void threTestSeesTheInterruptEachTimeThriIsEnabled() {
        uart.write(LCR, 1, 0x03);
        uart.write(MCR, 1, 0x0B);
        uart.write(IER, 1, 0x02);
        int iir1 = uart.read(IIR, 1);
        uart.write(IER, 1, 0x00);
        uart.write(IER, 1, 0x02);
        int iir = uart.read(IIR, 1);
        uart.write(IER, 1, 0x00);
        assertThat(iir1 & 0x0F).isEqualTo(0x02);
        assertThat(iir & 0x01).as("UART_BUG_THRE: a THRE that does not re-assert").isZero();
        assertThat(uart.read(LSR, 1) & 0x40).isEqualTo(0x40);
    }
}
