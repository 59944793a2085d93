package dev.kerf.emulator.mmu;

/**
 * Linear-to-physical translation (2-level paging, 4 KiB pages) and linear-address memory access.
 *
 * <p>Placeholder with paging off: linear = physical. The protected-mode work replaces the bodies
 * (software TLB, U/S and R/W checks, CR0.WP, A/D bits, #PF error codes) keeping these signatures.
 *
 * <p>All access methods act with the privilege last given to {@link #setUser(boolean)} (CPL 3 =
 * user); the {@code sys*} variants are the CPU's implicit supervisor accesses (descriptor tables,
 * TSS, IDT) that ignore CPL. Multi-byte accesses may cross a page boundary. A failed translation
 * throws {@link dev.kerf.emulator.cpu.CpuFault} for #PF.
 */
public final class Mmu {
    private final PhysicalMemory memory;
    private boolean user;

    public Mmu(PhysicalMemory memory) {
        this.memory = memory;
    }

    public PhysicalMemory memory() { return memory; }

    /** Called on every CPL change. */
    public void setUser(boolean user) { this.user = user; }

    /** Called on every write to CR0, CR3 or CR4 (a CR3 or paging-mode change flushes the TLB). */
    public void setControl(int cr0, int cr3, int cr4) { generation++; }

    public void invlpg(int linear) { generation++; }

    public void flush() { generation++; }

    // Added by the CPU work (placeholder; the MMU owner keeps it): a counter bumped whenever
    // translations may change (flush, CR0/CR3/CR4 write, INVLPG), so the CPU can drop its
    // cached instruction-fetch page.
    private int generation;

    /** Changes whenever a previously returned translation may no longer hold. */
    public int generation() { return generation; }

    /** Physical address for {@code linear}, checked for the current privilege; #PF on failure. */
    public int translate(int linear, boolean write) { return linear; }

    /** Physical address for an instruction fetch at {@code linear}. */
    public int translateFetch(int linear) { return linear; }

    public int read8(int linear) { return memory.read8(linear); }
    public int read16(int linear) { return memory.read16(linear); }
    public int read32(int linear) { return memory.read32(linear); }
    public void write8(int linear, int v) { memory.write8(linear, v); }
    public void write16(int linear, int v) { memory.write16(linear, v); }
    public void write32(int linear, int v) { memory.write32(linear, v); }

    public int sysRead8(int linear) { return memory.read8(linear); }
    public int sysRead16(int linear) { return memory.read16(linear); }
    public int sysRead32(int linear) { return memory.read32(linear); }
    public void sysWrite8(int linear, int v) { memory.write8(linear, v); }
    public void sysWrite16(int linear, int v) { memory.write16(linear, v); }
    public void sysWrite32(int linear, int v) { memory.write32(linear, v); }
}
