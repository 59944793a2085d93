package dev.kerf.emulator.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunLoopTest {
    private final CpuRig rig = new CpuRig();

    @Test
    void runStopsAtLimit() {
        rig.code("90".repeat(10));
        assertThat(rig.cpu.run(4)).isEqualTo(CpuStop.LIMIT);
        assertThat(rig.cpu.icount).isEqualTo(4);
        assertThat(rig.cpu.eip).isEqualTo(CpuRig.CODE + 4);
        assertThat(rig.cpu.run(4)).isEqualTo(CpuStop.LIMIT);
        assertThat(rig.cpu.icount).isEqualTo(4);
    }

    @Test
    void hltRetiresOnceThenStaysHalted() {
        rig.code("90f4");
        assertThat(rig.run(100)).isEqualTo(CpuStop.HALTED);
        assertThat(rig.cpu.icount).isEqualTo(2);
        assertThat(rig.cpu.halted).isTrue();
        assertThat(rig.run(100)).isEqualTo(CpuStop.HALTED);
        assertThat(rig.cpu.icount).isEqualTo(2);
    }

    @Test
    void haltedWithInterruptsDisabledIgnoresIntr() {
        rig.code("f4");
        rig.run(1);
        rig.bus.irq = true;
        assertThat(rig.run(100)).isEqualTo(CpuStop.HALTED);
        assertThat(rig.bus.irq).isTrue(); // never acknowledged: IF=0
    }

    @Test
    void requestStopEndsRun() {
        rig.code("ebfe"); // jmp $
        rig.cpu.requestStop();
        assertThat(rig.run(1000)).isEqualTo(CpuStop.STOP_REQUESTED);
        assertThat(rig.run(10)).isEqualTo(CpuStop.LIMIT);
    }

    @Test
    void intrIsNotPolledWhileIfIsClear() {
        CountingBus bus = new CountingBus();
        Cpu cpu = new Cpu(rig.ram, bus);
        for (int i = 0; i < 6; i++) cpu.seg[i].copyFrom(rig.cpu.seg[i]);
        cpu.eip = CpuRig.CODE;
        rig.code("ebfe");
        cpu.run(1000);
        assertThat(bus.polls).isZero(); // IF=0: not even asked
        cpu.setEflags(0x202);
        cpu.run(2000);
        assertThat(bus.polls).isEqualTo(1); // once at entry, not per instruction
    }

    @Test
    void faultDuringDecodeLeavesFlagsAndEipUntouched() {
        // add [0x2000], eax with DS limit 0xFFF: #GP, flags and EIP as before
        rig.cpu.seg[Cpu.DS].set(0x18, 0, 0xFFF, 0x4093);
        rig.code("f9" + "010500200000");
        rig.run(1);
        int flags = rig.flags();
        assertThat(rig.fault().vector).isEqualTo(Vectors.GP);
        assertThat(rig.flags()).isEqualTo(flags);
        assertThat(rig.cpu.eip).isEqualTo(CpuRig.CODE + 1);
    }

    @Test
    void twoCpusDoNotInterfere() {
        CpuRig other = new CpuRig();
        rig.code("40".repeat(20));
        other.code("48".repeat(20));
        rig.run(5);
        other.run(7);
        rig.run(5);
        assertThat(rig.r[Cpu.EAX]).isEqualTo(10);
        assertThat(other.r[Cpu.EAX]).isEqualTo(-7);
    }

    private static final class CountingBus implements CpuBus {
        int polls;

        @Override public int in(int port, int size) { return 0; }
        @Override public void out(int port, int size, int value) {}
        @Override public boolean interruptRequested() { polls++; return false; }
        @Override public int acknowledgeInterrupt() { throw new AssertionError("no interrupt pending"); }
        @Override public long readTsc(long icount) { return 0; }
    }
}
