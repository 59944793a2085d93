package dev.kerf.emulator.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.emulator.replay.StateHasher;
import org.junit.jupiter.api.Test;

/**
 * Capture and restore of the whole CPU state: a program run to X, captured, run on to Y gives the
 * same registers and RAM as the capture restored into another CPU and run to Y; and a restore
 * leaves no stale translation behind.
 */
class CpuStateTest {
    private static final int CODE = 0x20000, COUNTER = 0x6000;
    private static final int LINEAR = 0x150000, OTHER_PAGE = 0x160000;

    /**
     * Ring 0, paging on: {@code sti; loop: mov eax,[LINEAR]; add [COUNTER],eax; adc ebx,eax;
     * inc ecx; jmp loop}. The read goes through the TLB, the ADC consumes a lazy carry.
     */
    private static PmodeFixture machine(boolean remapped) {
        PmodeFixture f = new PmodeFixture().defaultGates().paging();
        f.put(CODE, 0xFB, 0xA1, 0x00, 0x00, 0x15, 0x00, 0x01, 0x05, 0x00, 0x60, 0x00, 0x00, 0x11, 0xC3, 0x41, 0xEB, 0xF0);
        f.memory.write32(LINEAR, 0x7FFFFFF3);
        f.memory.write32(OTHER_PAGE, 0x12345);
        if (remapped) f.memory.write32(PmodeFixture.PAGE_TABLE + (LINEAR >>> 12) * 4, OTHER_PAGE | 0x7);
        f.cpu.eip = CODE;
        return f;
    }

    private static byte[] ram(PmodeFixture f) {
        return f.memory.array().clone();
    }

    @Test
    void restoredIntoAFreshCpuRunsOnIdentically() {
        PmodeFixture a = machine(false);
        a.cpu.run(1001);
        CpuState at = CpuState.capture(a.cpu);
        byte[] ram = ram(a);
        a.cpu.run(5000);
        long expected = StateHasher.full(a.cpu);

        PmodeFixture b = new PmodeFixture(); // a different state: no paging, other EIP, nothing in RAM
        b.memory.load(0, ram, 0, ram.length);
        at.restore(b.cpu);
        assertThat(CpuState.capture(b.cpu)).isEqualTo(at);
        b.cpu.run(5000);
        assertThat(StateHasher.full(b.cpu)).isEqualTo(expected);
        assertThat(CpuState.capture(b.cpu)).isEqualTo(CpuState.capture(a.cpu));
    }

    @Test
    void captureRightAfterStiKeepsTheInterruptShadow() {
        PmodeFixture a = machine(false);
        a.cpu.run(1); // only the STI
        CpuState s = CpuState.capture(a.cpu);
        assertThat(s.shadow()).isTrue();
        assertThat(s.icount()).isEqualTo(1);
        assertThat(s.eflags() & 0x200).isNotZero();
        PmodeFixture b = new PmodeFixture();
        s.restore(b.cpu);
        assertThat(b.cpu.shadow).isTrue();
        assertThat(CpuState.capture(b.cpu)).isEqualTo(s);
    }

    @Test
    void lazyFlagsAreMaterialisedAndComeBack() {
        PmodeFixture a = machine(false);
        a.cpu.run(1003); // just after an ADD: CF/OF etc. still lazy
        int eflags = a.cpu.getEflags();
        CpuState s = CpuState.capture(a.cpu);
        PmodeFixture b = new PmodeFixture();
        s.restore(b.cpu);
        assertThat(b.cpu.getEflags()).isEqualTo(eflags);
    }

    @Test
    void restoreDropsTranslationsCachedBeforeIt() {
        // a's TLB and executor caches map LINEAR to its own page; the checkpoint's page tables
        // map it elsewhere. Without a flush, a would go on reading the old page.
        PmodeFixture a = machine(false);
        a.cpu.run(3000);
        PmodeFixture c = machine(true);
        c.cpu.run(2001);
        CpuState at = CpuState.capture(c.cpu);
        byte[] ram = ram(c);
        c.cpu.run(4000);

        a.memory.load(0, ram, 0, ram.length);
        at.restore(a.cpu);
        a.cpu.run(4000);
        assertThat(a.cpu.reg[Cpu.EAX]).isEqualTo(0x12345);
        assertThat(StateHasher.full(a.cpu)).isEqualTo(StateHasher.full(c.cpu));
    }

    @Test
    void faultsSinceRetireSurvives() {
        PmodeFixture a = new PmodeFixture();
        a.cpu.icount = 10; // as if two exceptions had been delivered at icount 10
        a.cpu.restoreFaultsSinceRetire(2);
        CpuState s = CpuState.capture(a.cpu);
        assertThat(s.faultsSinceRetire()).isEqualTo(2);
        PmodeFixture b = new PmodeFixture();
        s.restore(b.cpu);
        assertThat(b.cpu.faultsSinceRetire()).isEqualTo(2);
        b.cpu.icount++;
        assertThat(b.cpu.faultsSinceRetire()).isZero();
    }
}
