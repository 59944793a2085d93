package dev.kerf.emulator.cpu.fpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The FPU state's images and tag word, and arithmetic spot checks that need no host compiler. */
class FpuStateTest {
    private static final F80 ONE = new F80(0x3FFF, F80.J);
    private static final F80 DENORMAL = new F80(0, 1);
    private static final F80 INF = new F80(0x7FFF, F80.J);

    @Test
    void tagWordIsDerivedFromContents() {
        FpuState s = new FpuState();
        s.push(ONE);
        s.push(F80.NEG_ZERO);
        s.push(DENORMAL);
        s.push(INF);
        // TOP = 4; physical 7 = ONE (valid), 6 = zero, 5 = denormal (special), 4 = inf (special)
        assertThat(s.top()).isEqualTo(4);
        assertThat(s.tagWord()).isEqualTo(0b00_01_10_10_11_11_11_11);
        s.pop();
        assertThat(s.tagWord() >> 8 & 3).isEqualTo(FpuState.TAG_EMPTY);
    }

    @Test
    void saveAndRestoreRoundTripBothLayouts() {
        for (boolean size32 : new boolean[] {true, false}) {
            FpuState s = new FpuState();
            s.cw = 0x0A7F;
            s.push(ONE);
            s.push(new F80(0xC123, 0x8765432112345678L));
            s.raise(FpuContext.PE);
            s.fip = 0x1234;
            s.fdp = 0x5678;
            s.fop = 0x5D9;
            int sw = s.statusWord(), tw = s.tagWord();
            byte[] img = new byte[FpuState.saveSize(size32)];
            s.save(img, 0, size32);
            assertThat(s.cw).as("FNSAVE re-initializes").isEqualTo(0x037F);
            assertThat(s.tagWord()).isEqualTo(0xFFFF);
            int stride = size32 ? 4 : 2;
            assertThat(u16(img, 0)).isEqualTo(0x0A7F);
            assertThat(u16(img, stride)).isEqualTo(sw);
            assertThat(u16(img, 2 * stride)).isEqualTo(tw);
            assertThat(F80.load(img, FpuState.envSize(size32) + 10)).isEqualTo(ONE);
            FpuState r = new FpuState();
            r.restore(img, 0, size32);
            assertThat(r.statusWord()).isEqualTo(sw);
            assertThat(r.tagWord()).isEqualTo(tw);
            assertThat(r.st(0)).isEqualTo(new F80(0xC123, 0x8765432112345678L));
            assertThat(r.fip).isEqualTo(0x1234);
            assertThat(r.fdp).isEqualTo(0x5678);
            if (size32) assertThat(r.fop).isEqualTo(0x5D9);
            assertThat(img.length).isEqualTo(size32 ? 108 : 94);
        }
    }

    @Test
    void unmaskedExceptionSetsSummaryAndBusy() {
        FpuState s = new FpuState();
        s.cw = 0x037F & ~FpuContext.ZE;
        s.push(F80.POS_ZERO);
        s.push(ONE);
        X87.arith(s, X87.DIV, 0, 1, false);
        assertThat(s.statusWord() & 0x80FF).isEqualTo(0x8000 | FpuState.ES | FpuContext.ZE);
        assertThat(s.st(0)).as("the destination keeps its value").isEqualTo(ONE);
    }

    @Test
    void roundingModesAndPrecisionControlOnOneThird() {
        F80 three = FloatConvert.fromInt(3);
        long[] want64 = {0xAAAAAAAAAAAAAAABL, 0xAAAAAAAAAAAAAAAAL, 0xAAAAAAAAAAAAAAABL, 0xAAAAAAAAAAAAAAAAL};
        for (int rc = 0; rc < 4; rc++) {
            FpuContext c = new FpuContext(0x037F | rc << 10);
            F80 r = Float80.div(c, ONE, three);
            assertThat(r.sig()).as("rc %d", rc).isEqualTo(want64[rc]);
            assertThat(c.flags).isEqualTo(FpuContext.PE);
            assertThat(c.c1).isEqualTo(rc == 0 || rc == 2);
        }
        FpuContext c = new FpuContext(0x007F); // PC = 24 bits, round to nearest
        assertThat(Float80.div(c, ONE, three).sig()).isEqualTo(0xAAAAAB0000000000L);
    }

    @Test
    void maskedResponsesAndSpecialValues() {
        FpuContext c = new FpuContext(0x037F);
        assertThat(Float80.sub(c, INF, INF)).isEqualTo(F80.INDEFINITE);
        assertThat(c.flags).isEqualTo(FpuContext.IE);
        c.begin();
        assertThat(Float80.add(c, new F80(0x3FFF, 0x7000000000000000L), ONE)).isEqualTo(F80.INDEFINITE);
        c.begin();
        F80 max = new F80(0x7FFE, -1L);
        assertThat(Float80.mul(c, max, max)).isEqualTo(INF);
        assertThat(c.flags).isEqualTo(FpuContext.OE | FpuContext.PE);
        c.cw = 0x0F7F; // round toward zero: the largest finite value instead
        c.begin();
        assertThat(Float80.mul(c, max, max)).isEqualTo(max);
        c.cw = 0x037F & ~FpuContext.OE; // unmasked: the exponent wrapped by 24576
        c.begin();
        assertThat(Float80.mul(c, max, max).exp()).isEqualTo(0x7FFE + 0x7FFE - 0x3FFF + 1 - 24576);
        c.cw = 0x037F;
        c.begin();
        assertThat(Float80.add(c, new F80(0, F80.J), DENORMAL)).isEqualTo(new F80(1, F80.J | 1));
        assertThat(c.flags).as("a pseudo-denormal operand raises DE").isEqualTo(FpuContext.DE);
        assertThat(FloatConvert.toInt(c, FloatConvert.fromInt(-32768), 16, false)).isEqualTo(-32768L);
        c.begin();
        assertThat(FloatConvert.toInt(c, FloatConvert.fromInt(32768), 16, false)).isEqualTo(-32768L);
        assertThat(c.flags).isEqualTo(FpuContext.IE);
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }
}
