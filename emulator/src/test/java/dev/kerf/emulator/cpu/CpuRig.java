package dev.kerf.emulator.cpu;

import dev.kerf.emulator.mmu.PhysicalMemory;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Test rig: 1 MiB of RAM, flat 32-bit segments (CS access 0x4C9B, data 0x4C93), code at
 * {@link #CODE}, stack at {@link #STACK}, CPL 0, a fake bus that records port traffic, and a
 * private {@link CodeCache} (replace it to share compiled code between rigs).
 */
final class CpuRig {
    static final int CODE = 0x1000, STACK = 0x80000, DATA = 0x20000;

    final PhysicalMemory ram = new PhysicalMemory(1 << 20);
    final FakeBus bus = new FakeBus();
    final Cpu cpu = new Cpu(ram, bus);
    final int[] r = cpu.reg;

    CpuRig() {
        for (int i = 0; i < 6; i++) cpu.seg[i].set(0x10, 0, 0xFFFFFFFF, 0x4C93);
        cpu.seg[Cpu.CS].set(0x08, 0, 0xFFFFFFFF, 0x4C9B);
        cpu.eip = CODE;
        r[Cpu.ESP] = STACK;
        cpu.cr0 = 1;
        cpu.useCodeCache(new CodeCache(CodeCache.DEFAULT_ENTRIES)); // a cold translator: compiles what it runs
    }

    /** Places hex bytes ("01 d8 ...") at CODE. */
    CpuRig code(String hex) {
        return bytes(CODE, hex);
    }

    CpuRig bytes(int at, String hex) {
        byte[] b = HexFormat.of().parseHex(hex.replace(" ", ""));
        ram.load(at, b, 0, b.length);
        return this;
    }

    /** Runs {@code n} instructions through the run loop; returns why it stopped. */
    CpuStop run(long n) {
        return cpu.run(cpu.icount + n);
    }

    /** Executes one instruction directly, letting a CpuFault escape to the test. */
    void step() {
        cpu.exec.limit = cpu.icount + 1;
        cpu.exec.step();
        cpu.icount++;
    }

    /** Expects the next instruction to raise {@code vector}; returns the fault. */
    CpuFault fault() {
        try {
            step();
        } catch (CpuFault f) {
            cpu.eip = cpu.exec.start;
            return f;
        }
        throw new AssertionError("no fault");
    }

    int flags() {
        return cpu.getEflags();
    }

    /** Flags masked to the arithmetic six. */
    int arith() {
        return cpu.getEflags() & Flags.ARITH;
    }

    int read32(int a) {
        return ram.read32(a);
    }

    static final class FakeBus implements CpuBus {
        final List<String> log = new ArrayList<>();
        int inValue = 0x12345678;
        boolean irq;
        int vector = 0x20;
        long tsc = 0x1122334455667788L;

        @Override
        public int in(int port, int size) {
            log.add(String.format("in %x/%d", port, size));
            return inValue & (size == 4 ? -1 : (1 << (8 * size)) - 1);
        }

        @Override
        public void out(int port, int size, int value) {
            log.add(String.format("out %x/%d=%x", port, size, value));
        }

        @Override
        public boolean interruptRequested() {
            return irq;
        }

        @Override
        public int acknowledgeInterrupt() {
            irq = false;
            return vector;
        }

        @Override
        public long readTsc(long icount) {
            return tsc + icount;
        }
    }
}
