package dev.kerf.emulator.device;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PicPairTest {
    private PicPair pic;

    @BeforeEach
    void initLikeAKernel() {
        pic = new PicPair();
        // ICW1 (edge, cascade, ICW4), ICW2 vector base, ICW3 wiring, ICW4 8086 mode — both chips.
        pic.write(0x20, 1, 0x11);
        pic.write(0xA0, 1, 0x11);
        pic.write(0x21, 1, 0x20);
        pic.write(0xA1, 1, 0x28);
        pic.write(0x21, 1, 0x04);
        pic.write(0xA1, 1, 0x02);
        pic.write(0x21, 1, 0x01);
        pic.write(0xA1, 1, 0x01);
        pic.write(0x21, 1, 0x00); // OCW1: unmask all
        pic.write(0xA1, 1, 0x00);
    }

    @Test
    void initialisationLeavesImrAndNoRequest() {
        pic.write(0x21, 1, 0xFA);
        assertThat(pic.read(0x21, 1)).isEqualTo(0xFA);
        assertThat(pic.interruptRequested()).isFalse();
    }

    @Test
    void risingEdgeLatchesAndAckMovesToIsr() {
        pic.setIrq(1, true);
        assertThat(pic.interruptRequested()).isTrue();
        assertThat(pic.read(0x20, 1)).isEqualTo(0x02); // IRR by default
        assertThat(pic.acknowledgeInterrupt()).isEqualTo(0x21);
        assertThat(pic.read(0x20, 1)).isZero();
        pic.write(0x20, 1, 0x0B); // OCW3: read ISR
        assertThat(pic.read(0x20, 1)).isEqualTo(0x02);
        pic.write(0x20, 1, 0x20); // non-specific EOI
        assertThat(pic.read(0x20, 1)).isZero();
        // the line is still high: no new edge, no new request
        assertThat(pic.interruptRequested()).isFalse();
        pic.setIrq(1, false);
        pic.setIrq(1, true);
        assertThat(pic.interruptRequested()).isTrue();
    }

    @Test
    void higherPriorityFirstAndNestingRules() {
        pic.setIrq(3, true);
        pic.setIrq(1, true);
        assertThat(pic.acknowledgeInterrupt()).isEqualTo(0x21);
        // IRQ3 is lower priority than IRQ1 in service
        assertThat(pic.interruptRequested()).isFalse();
        pic.write(0x20, 1, 0x20);
        assertThat(pic.acknowledgeInterrupt()).isEqualTo(0x23);
        // a higher-priority IRQ0 may nest while IRQ3 is in service
        pic.setIrq(0, true);
        assertThat(pic.interruptRequested()).isTrue();
        assertThat(pic.acknowledgeInterrupt()).isEqualTo(0x20);
        pic.write(0x20, 1, 0x60); // specific EOI for IRQ0
        pic.write(0x20, 1, 0x0B);
        assertThat(pic.read(0x20, 1)).isEqualTo(0x08);
    }

    @Test
    void maskedRequestWaitsInIrr() {
        pic.write(0x21, 1, 0x10);
        pic.setIrq(4, true);
        assertThat(pic.interruptRequested()).isFalse();
        assertThat(pic.isLatchedAndMasked(4)).isTrue();
        pic.write(0x21, 1, 0x00);
        assertThat(pic.acknowledgeInterrupt()).isEqualTo(0x24);
    }

    @Test
    void cascadeDeliversSlaveVectorAndNeedsBothEois() {
        pic.setIrq(12, true);
        assertThat(pic.interruptRequested()).isTrue();
        assertThat(pic.acknowledgeInterrupt()).isEqualTo(0x2C);
        pic.write(0xA0, 1, 0x0B);
        pic.write(0x20, 1, 0x0B);
        assertThat(pic.read(0xA0, 1)).isEqualTo(0x10);
        assertThat(pic.read(0x20, 1)).isEqualTo(0x04);
        // another slave request waits while IRQ2 is in service at the master
        pic.setIrq(9, true);
        assertThat(pic.interruptRequested()).isFalse();
        pic.write(0xA0, 1, 0x20);
        pic.write(0x20, 1, 0x20);
        assertThat(pic.interruptRequested()).isTrue();
        assertThat(pic.acknowledgeInterrupt()).isEqualTo(0x29);
    }

    @Test
    void spuriousInterruptsAnswerIrq7AndIrq15WithoutIsr() {
        assertThat(pic.acknowledgeInterrupt()).isEqualTo(0x27);
        pic.write(0x20, 1, 0x0B);
        assertThat(pic.read(0x20, 1)).isZero();
        // slave request masked away after the master latched IRQ2
        pic.setIrq(10, true);
        pic.write(0xA1, 1, 0x04);
        assertThat(pic.acknowledgeInterrupt()).isEqualTo(0x2F);
        pic.write(0xA0, 1, 0x0B);
        assertThat(pic.read(0xA0, 1)).isZero();
    }

    @Test
    void autoEoiLeavesIsrClear() {
        pic.write(0x20, 1, 0x11);
        pic.write(0x21, 1, 0x40);
        pic.write(0x21, 1, 0x04);
        pic.write(0x21, 1, 0x03); // ICW4 with AEOI
        pic.write(0x21, 1, 0x00);
        pic.setIrq(5, true);
        assertThat(pic.acknowledgeInterrupt()).isEqualTo(0x45);
        pic.write(0x20, 1, 0x0B);
        assertThat(pic.read(0x20, 1)).isZero();
    }

    @Test
    void pollCommandAcknowledgesHighestRequest() {
        pic.setIrq(6, true);
        pic.write(0x20, 1, 0x0C); // OCW3 poll
        assertThat(pic.read(0x20, 1)).isEqualTo(0x86);
        pic.write(0x20, 1, 0x0B);
        assertThat(pic.read(0x20, 1)).isEqualTo(0x40);
    }

    @Test
    void elcrMakesAnInputLevelTriggered() {
        assertThat(pic.read(0x4D0, 1)).isZero();
        assertThat(pic.read(0x4D1, 1)).isEqualTo(0x0C);
        pic.setIrq(10, true);
        assertThat(pic.acknowledgeInterrupt()).isEqualTo(0x2A);
        pic.write(0xA0, 1, 0x20);
        pic.write(0x20, 1, 0x20);
        assertThat(pic.interruptRequested()).isTrue(); // still high: requests again without an edge
        pic.setIrq(10, false);
        // the master latched the cascade's edge; the slave has nothing left: spurious IRQ15
        assertThat(pic.acknowledgeInterrupt()).isEqualTo(0x2F);
        pic.write(0x20, 1, 0x20);
        assertThat(pic.interruptRequested()).isFalse();
        pic.write(0x4D0, 1, 0xFF);
        assertThat(pic.read(0x4D0, 1)).isEqualTo(0xF8); // IRQ0-2 cannot be level-triggered
    }

    @Test
    void rotationMakesTheServedIrqLowest() {
        pic.setIrq(0, true);
        pic.setIrq(1, true);
        assertThat(pic.acknowledgeInterrupt()).isEqualTo(0x20);
        pic.write(0x20, 1, 0xA0); // rotate on non-specific EOI: IRQ0 becomes lowest
        pic.setIrq(0, false);
        pic.setIrq(0, true);
        assertThat(pic.acknowledgeInterrupt()).isEqualTo(0x21);
    }
}
