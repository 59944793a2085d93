package dev.kerf.emulator.cpu;

import dev.kerf.emulator.mmu.PhysicalMemory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Benchmark entry point (not a test): runs a tight integer loop in flat 32-bit mode and prints
 * guest MIPS. {@code java -cp emulator/target/classes dev.kerf.emulator.cpu.CpuLoopBench [seconds] [nop|HEX]}
 * (a second argument replaces the loop by 50 copies of one encoding, or 100 NOPs, and a JMP back).
 *
 * <p>The guest loop (9 instructions per iteration, a memory load and store among them):
 * <pre>
 *   mov ecx, 0x7fffffff
 * top: add eax, ecx / xor edx, eax / mov ebx, [0x2000] / add ebx, edx / mov [0x2000], ebx
 *      shl edx, 3 / inc esi / dec ecx / jnz top
 * </pre>
 */
public final class CpuLoopBench {
    private static final String LOOP = "b9ffffff7f01c831c28b1d0020000001d3891d00200000c1e203464975e7";

    private CpuLoopBench() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        PhysicalMemory ram = new PhysicalMemory(1 << 20);
        CpuBus bus = new CpuBus() {
            @Override public int in(int port, int size) { return 0; }
            @Override public void out(int port, int size, int value) {}
            @Override public boolean interruptRequested() { return false; }
            @Override public int acknowledgeInterrupt() { return 0; }
            @Override public long readTsc(long icount) { return icount; }
        };
        Cpu cpu = new Cpu(ram, bus);
        for (int i = 0; i < 6; i++) cpu.seg[i].set(0x10, 0, 0xFFFFFFFF, 0x4C93);
        cpu.seg[Cpu.CS].set(0x08, 0, 0xFFFFFFFF, 0x4C9B);
        String program = LOOP;
        if (args.length > 1) {
            // "nop": 100 NOPs and a jump back; any other argument: 50 copies of that hex encoding and a JMP back.
            String body = args[1].equals("nop") ? "90".repeat(2) : args[1];
            String block = body.repeat(50);
            int back = -(block.length() / 2 + 5);
            program = block + "e9" + String.format("%02x%02x%02x%02x", back & 0xFF, (back >> 8) & 0xFF, (back >> 16) & 0xFF, (back >>> 24));
        }
        byte[] code = java.util.HexFormat.of().parseHex(program);
        ram.load(0x1000, code, 0, code.length);
        cpu.eip = 0x1000;
        cpu.reg[Cpu.ESP] = 0x80000;
        long slice = 10_000_000;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long windowStart = System.nanoTime(), windowCpu = threads.getCurrentThreadCpuTime();
        long windowCount = cpu.icount;
        while (System.nanoTime() < end) {
            cpu.run(cpu.icount + slice);
            long now = System.nanoTime();
            if (now - windowStart >= 1_000_000_000L) {
                long cpuNow = threads.getCurrentThreadCpuTime();
                long n = cpu.icount - windowCount;
                // The machine is shared: MIPS per second of this thread's CPU time is the fair figure.
                System.out.printf("%.1f MIPS wall, %.1f MIPS per CPU-second%n",
                        n / ((now - windowStart) / 1e3), n / ((cpuNow - windowCpu) / 1e3));
                windowStart = now;
                windowCpu = cpuNow;
                windowCount = cpu.icount;
            }
        }
        System.out.printf("total %d instructions, eip=%08x%n", cpu.icount, cpu.eip);
    }
}
