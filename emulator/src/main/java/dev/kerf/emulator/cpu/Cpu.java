package dev.kerf.emulator.cpu;

import dev.kerf.emulator.mmu.Mmu;
import dev.kerf.emulator.mmu.PhysicalMemory;

/**
 * The IA-32 CPU: architectural state plus the fetch-decode-execute loop.
 *
 * <p>State fields are public and plain because the instruction families ({@code Arith},
 * {@code Move}, ...) and the protected-mode classes ({@code InterruptDelivery},
 * {@code SegmentLoader}, {@code SystemOps}) all work on them on the hot path; getters would add
 * nothing but noise. Arithmetic flags are lazy (see {@code Flags}); read EFLAGS only through
 * {@link #getEflags()} and write it only through {@link #setEflags(int)}.
 *
 * <p>Ownership: the decoder/executor owns {@link #run(long)} and the flag representation; the
 * protected-mode classes own descriptor loads, exception/interrupt delivery and the MMU.
 */
public final class Cpu {
    public static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    public static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;

    /** General registers, indexed by their x86 encoding. */
    public final int[] reg = new int[8];
    public int eip;

    /** ES, CS, SS, DS, FS, GS, indexed by their encoding. */
    public final SegmentCache[] seg = {new SegmentCache(), new SegmentCache(), new SegmentCache(),
            new SegmentCache(), new SegmentCache(), new SegmentCache()};
    public final SegmentCache ldtr = new SegmentCache();
    public final SegmentCache tr = new SegmentCache();
    public int gdtBase, gdtLimit, idtBase, idtLimit;

    public int cr0, cr2, cr3, cr4;
    /** Current privilege level: CS.RPL in protected mode. */
    public int cpl;

    /** Instructions retired since the machine started (design §3). */
    public long icount;
    /** Set by HLT, cleared when an interrupt is delivered. While set, icount stands still. */
    public boolean halted;

    public final PhysicalMemory memory;
    public final Mmu mmu;
    public final CpuBus bus;

    public Cpu(PhysicalMemory memory, CpuBus bus) {
        this.memory = memory;
        this.bus = bus;
        this.mmu = new Mmu(memory);
    }

    // Placeholder flag storage: the executor replaces it with lazy arithmetic flags but keeps
    // getEflags/setEflags as the only way in and out.
    private int eflags = 2;
    private volatile boolean stopRequested;

    /** EFLAGS with the lazy arithmetic flags materialised. */
    public int getEflags() {
        return eflags | 2;
    }

    /** Writes all of EFLAGS (reserved bits forced to their fixed values), no privilege checks. */
    public void setEflags(int value) {
        eflags = (value & 0x003F7FD5) | 2;
    }

    /** Changes CPL and tells the MMU (user accesses are checked against U/S at CPL 3). */
    public void setCpl(int cpl) {
        this.cpl = cpl;
        mmu.setUser(cpl == 3);
    }

    /**
     * Executes instructions until {@link #icount} reaches {@code icountLimit}, the CPU halts with
     * nothing to deliver, a triple fault, or {@link #requestStop()}. Checks INTR between
     * instructions when EFLAGS.IF allows.
     */
    public CpuStop run(long icountLimit) {
        throw new UnsupportedOperationException("executor not written yet");
    }

    /** Makes the current {@link #run(long)} return STOP_REQUESTED after the current instruction. */
    public void requestStop() {
        stopRequested = true;
    }
}
