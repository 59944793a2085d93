package dev.kerf.emulator.replay;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;
import dev.kerf.emulator.mmu.PhysicalMemory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class StateHasherTest {
    private static Cpu cpu() {
        Cpu c = new Cpu(new PhysicalMemory(2 << 20), new CpuBus() {
            @Override public int in(int port, int size) { return 0; }
            @Override public void out(int port, int size, int value) { }
            @Override public boolean interruptRequested() { return false; }
            @Override public int acknowledgeInterrupt() { return 0; }
            @Override public long readTsc(long icount) { return 0; }
        });
        c.reg[Cpu.ESP] = 0x9000;
        c.eip = 0x100000;
        return c;
    }

    @Test
    void theSameStateGivesTheSameHashInAnotherCpu() {
        assertThat(StateHasher.registers(cpu())).isEqualTo(StateHasher.registers(cpu()));
        assertThat(StateHasher.full(cpu())).isEqualTo(StateHasher.full(cpu()));
    }

    @Test
    void everyCoveredRegisterChangesTheRegisterHash() {
        long base = StateHasher.registers(cpu());
        List<Consumer<Cpu>> changes = List.of(c -> c.reg[Cpu.EAX]++, c -> c.reg[Cpu.EDI] ^= 1 << 31, c -> c.eip++,
                c -> c.setEflags(c.getEflags() | 1), c -> c.setCpl(3), c -> c.seg[Cpu.FS].selector = 0x33,
                c -> c.seg[Cpu.GS].base = 0x1000, c -> c.tr.selector = 0x28, c -> c.ldtr.selector = 8,
                c -> c.gdtBase = 0xF0000, c -> c.idtLimit = 0x7FF, c -> c.cr0 |= 1, c -> c.cr2 = 0xBFFFF000,
                c -> c.cr3 = 0x1EE000, c -> c.cr4 = 0x10,
                // the x87 (recording format 2): control word, a value, TOP, the empty bits, a pointer
                c -> c.fpu.cw = 0x27F, c -> c.fpu.push(dev.kerf.emulator.cpu.fpu.F80.POS_ZERO),
                c -> c.fpu.setStatusWord(0x3800), c -> c.fpu.setFullMask(0x80), c -> c.fpu.fdp = 4,
                c -> c.fpu.setPhysical(3, dev.kerf.emulator.cpu.fpu.F80.INDEFINITE));
        for (int i = 0; i < changes.size(); i++) {
            Cpu c = cpu();
            changes.get(i).accept(c);
            assertThat(StateHasher.registers(c)).as("change %d", i).isNotEqualTo(base);
        }
    }

    @Test
    void oneRamByteChangesTheFullHashButNotTheRegisterHash() {
        Cpu a = cpu();
        Cpu b = cpu();
        b.memory.write8((1 << 20) + 12345, 0x5A);
        assertThat(StateHasher.registers(b)).isEqualTo(StateHasher.registers(a));
        assertThat(StateHasher.full(b)).isNotEqualTo(StateHasher.full(a));
    }

    @Test
    void swappedRegisterValuesHashDifferently() {
        Cpu a = cpu();
        Cpu b = cpu();
        a.reg[Cpu.EAX] = 1;
        a.reg[Cpu.EBX] = 2;
        b.reg[Cpu.EAX] = 2;
        b.reg[Cpu.EBX] = 1;
        assertThat(StateHasher.registers(a)).isNotEqualTo(StateHasher.registers(b));
    }
}
