package dev.kerf.emulator.replay;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.SegmentCache;
import dev.kerf.emulator.mmu.Xxh64;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The one definition of the state hashes in a recording's StateHash events: the recorder computes
 * them live, the replayer recomputes them at the same icount and compares.
 *
 * <p>{@link #registers(Cpu)} covers, in this order: EAX..EDI, EIP, EFLAGS (lazy flags
 * materialised), CPL, ES CS SS DS FS GS (selector and base each), LDTR and TR selectors, GDTR and
 * IDTR (base and limit), CR0, CR2, CR3, CR4, then the x87 state as its 108-byte 32-bit FNSAVE image
 * ({@code FpuState.image()}: control, status and tag words, instruction and operand pointers and
 * opcode, ST(0)..ST(7)) folded as 27 little-endian ints (since recording format 2). The mix is a
 * fixed 64-bit multiply-rotate (the xxHash64 round), so the values are the same on every JVM and
 * never depend on {@code Object.hashCode}.
 *
 * <p>The full hash, the last StateHash right before End, folds a hash of all of RAM into the
 * register hash: {@code avalanche(round(registers, ramHash))}. Two definitions of {@code ramHash}
 * exist (docs/formats.md §5):
 * <ul>
 *   <li>{@link #full(Cpu)}, recording format 3: <em>paged</em>. Each 4 KiB page in order of
 *   address is hashed with XXH64 (seed 0) of its 4096 bytes; {@code ramHash} is XXH64 (seed 0)
 *   of those page hashes, each as 8 little-endian bytes, concatenated (8 bytes × RAM/4096).
 *   {@link dev.kerf.emulator.mmu.PhysicalMemory#ramHash()} keeps each page's hash and hashes
 *   again only the pages written since, so its cost follows what the guest wrote, not the RAM
 *   size; an all-zero page's hash is a constant.</li>
 *   <li>{@link #fullFlat(Cpu)}, recording format 2 and a time slice's FINAL_HASH (slice format
 *   1): <em>flat</em>, one chain of the round over every 8 bytes of RAM, little-endian, seeded
 *   with the seed XOR the RAM size, then the avalanche.</li>
 * </ul>
 * Changing what is covered or the mix breaks every existing recording: that needs a new major
 * recording format version, and the replayer picks the definition by the manifest's
 * ({@link #full(Cpu, int)}).
 */
public final class StateHasher {
    /** The seed of the register and flat RAM chains: XXH64's third prime. */
    private static final long P3 = 0x165667B19E3779F9L;
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private StateHasher() {}

    /** Hash of the CPU registers (see the class comment for what is covered). */
    public static long registers(Cpu cpu) {
        long h = P3;
        for (int r : cpu.reg) h = round(h, r);
        h = round(h, cpu.eip);
        h = round(h, cpu.getEflags());
        h = round(h, cpu.cpl);
        for (SegmentCache s : cpu.seg) h = round(round(h, s.selector), s.base);
        h = round(round(h, cpu.ldtr.selector), cpu.tr.selector);
        h = round(round(h, cpu.gdtBase), cpu.gdtLimit);
        h = round(round(h, cpu.idtBase), cpu.idtLimit);
        h = round(round(h, cpu.cr0), cpu.cr2);
        h = round(round(h, cpu.cr3), cpu.cr4);
        byte[] fpu = cpu.fpu.image();
        for (int i = 0; i < fpu.length; i += 4) h = round(h, (int) INTS.get(fpu, i));
        return avalanche(h);
    }

    /** Hash of the registers and all of RAM, paged (recording format 3): the final check of a replay. */
    public static long full(Cpu cpu) {
        return avalanche(round(registers(cpu), cpu.memory.ramHash()));
    }

    /** Hash of the registers and all of RAM, flat (recording format 2; a time slice's FINAL_HASH). */
    public static long fullFlat(Cpu cpu) {
        return avalanche(round(registers(cpu), ram(cpu.memory.array())));
    }

    /** The full hash as recording format {@code recordingMajor} defines it (2: flat; 3: paged). */
    public static long full(Cpu cpu, int recordingMajor) {
        return recordingMajor == 2 ? fullFlat(cpu) : full(cpu);
    }

    /** The flat hash of a RAM image, eight bytes at a time (RAM sizes are multiples of 4 KiB). */
    static long ram(byte[] ram) {
        long h = P3 ^ ram.length;
        int i = 0;
        for (; i + 8 <= ram.length; i += 8) h = round(h, (long) LONGS.get(ram, i));
        for (; i < ram.length; i++) h = round(h, ram[i]);
        return avalanche(h);
    }

    private static long round(long h, long v) {
        return Xxh64.round(h, v);
    }

    private static long avalanche(long h) {
        return Xxh64.avalanche(h);
    }
}
