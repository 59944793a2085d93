package dev.kerf.emulator.kernelmode;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;
import dev.kerf.emulator.cpu.CpuState;
import dev.kerf.emulator.mmu.PhysicalMemory;
import dev.kerf.emulator.usermode.ComponentImage;
import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.UserModeMachine;
import dev.kerf.emulator.usermode.UserRegisters;

import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A ring-0 machine that holds one kernel-component activation and nothing else: paging on, with
 * a frame for each linear page the activation touches (code, first loads, writes) mapped
 * supervisor read/write at the same linear address — the recorded kernel's identity map for
 * kernel memory, the process's addresses for user memory it read — and every other address
 * unmapped (a stray access is a page fault the replay reports). In a 4 MiB slot the activation
 * never uses: a GDT with the recorded kernel's own segment descriptors and an IDT whose 256
 * interrupt gates lead to a stub (the replayer stops the CPU at the delivery; the stub never runs).
 *
 * <p>Frames: 0 page directory, 1 system page table, 2 GDT, 3 IDT, 4 stub, then one page table per
 * 4 MiB slot in use, then the activation's frames.
 */
final class KernelModeMachine {
    private static final int P = 1, W = 2;
    private static final int SYS_FRAMES = 5, GDT = 2, IDT = 3, STUB = 4, GDT_ENTRIES = 32;
    /** 256 MiB of frames: a hostile file cannot make the replayer allocate more. */
    static final int MAX_PAGES = 1 << 16;
    private final ComponentImage image;
    private final PhysicalMemory memory;
    private final Cpu cpu;
    private final Map<Integer, Integer> tableFrame = new TreeMap<>();
    private final Map<Integer, Integer> pageFrame = new TreeMap<>();
    private final int sysBase;

    KernelModeMachine(ComponentImage image, SortedSet<Integer> pages, CpuBus bus) {
        this.image = image;
        if (pages.size() > MAX_PAGES) {
            throw new KernelModeException("the activation touches " + pages.size() + " pages, more than a component replay maps (" + MAX_PAGES + ")");
        }
        TreeSet<Integer> slots = new TreeSet<>();
        for (int p : pages) slots.add(p >>> 10);
        int sys = 1023;
        while (sys >= 0 && slots.contains(sys)) sys--;
        if (sys < 0) throw new KernelModeException("the activation uses every 4 MiB slot; no room for the replayer's tables");
        sysBase = sys << 22;
        int next = SYS_FRAMES;
        for (int s : slots) tableFrame.put(s, next++);
        for (int p : pages) pageFrame.put(p, next++);
        memory = new PhysicalMemory(next << 12);
        cpu = new Cpu(memory, bus);
        for (Map.Entry<Integer, Integer> e : tableFrame.entrySet()) memory.write32(e.getKey() << 2, (e.getValue() << 12) | P | W);
        for (Map.Entry<Integer, Integer> e : pageFrame.entrySet()) {
            int p = e.getKey();
            memory.write32((tableFrame.get(p >>> 10) << 12) + ((p & 0x3FF) << 2), (e.getValue() << 12) | P | W);
        }
        memory.write32((sysBase >>> 22) << 2, (1 << 12) | P | W);
        for (int k = 0; k < SYS_FRAMES; k++) memory.write32((1 << 12) + (k << 2), (k << 12) | P | W);
        buildSystemTables();
    }

    Cpu cpu() {
        return cpu;
    }

    private void buildSystemTables() {
        int[] seg = image.segments();
        int cs = seg[4];
        for (int i = 0; i < 6; i++) {
            int sel = seg[4 * i];
            if ((sel & 0xFFFC) == 0) continue;
            if ((sel & 4) != 0 || (sel >>> 3) >= GDT_ENTRIES) {
                throw new KernelModeException("segment selector 0x" + Integer.toHexString(sel) + " is not supported by the kernel component replayer");
            }
            putDescriptor(sel >>> 3, seg[4 * i + 1], seg[4 * i + 2], seg[4 * i + 3]);
        }
        int stub = sysBase + (STUB << 12);
        memory.write8(STUB << 12, 0xF4); // hlt; jmp $-1: never reached (the replayer stops at the delivery)
        memory.write8((STUB << 12) + 1, 0xEB);
        memory.write8((STUB << 12) + 2, 0xFD);
        for (int v = 0; v < 256; v++) {
            memory.write32((IDT << 12) + v * 8, (cs << 16) | (stub & 0xFFFF));
            memory.write32((IDT << 12) + v * 8 + 4, (stub & 0xFFFF0000) | 0x8E00);
        }
    }

    /** A GDT entry from a descriptor cache's base, effective limit and access bits (see {@code SegmentCache}). */
    private void putDescriptor(int index, int base, int limit, int access) {
        UserModeMachine.writeDescriptor(memory, (GDT << 12) + index * 8, base, limit, access);
    }

    /** Writes bytes at their linear address (not through the CPU: no hook sees it). */
    void write(MemoryWrite w) {
        byte[] b = w.bytes();
        int done = 0;
        while (done < b.length) {
            int va = w.address() + done;
            Integer frame = pageFrame.get(va >>> 12);
            if (frame == null) throw new KernelModeException("the slice writes to 0x" + Integer.toHexString(va) + ", which is not mapped");
            int n = Math.min(b.length - done, 4096 - (va & 0xFFF));
            System.arraycopy(b, done, memory.array(), (frame << 12) + (va & 0xFFF), n);
            memory.written((frame << 12) + (va & 0xFFF), n); // code translated from these bytes is dropped
            done += n;
        }
    }

    /** Puts the CPU at CPL 0 with {@code regs} and the recorded segments, paging on. */
    void enter(UserRegisters regs) {
        int[] segments = new int[CpuState.SEGMENT_INTS];
        System.arraycopy(image.segments(), 0, segments, 0, 24);
        int[] reg = new int[8];
        for (int i = 0; i < 8; i++) reg[i] = regs.get(i);
        new CpuState(reg, regs.get(UserRegisters.EIP), regs.get(UserRegisters.EFLAGS), segments,
                new int[] {sysBase + (GDT << 12), GDT_ENTRIES * 8 - 1, sysBase + (IDT << 12), 256 * 8 - 1},
                new int[] {image.cr0() | 0x8000_0001, 0, 0, image.cr4() & ~0x20}, 0, new int[8], 0, false, false, 0).restore(cpu);
    }
}
