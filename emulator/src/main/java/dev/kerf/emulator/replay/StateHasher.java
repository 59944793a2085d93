package dev.kerf.emulator.replay;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.SegmentCache;

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
 * opcode, ST(0)..ST(7)) folded as 27 little-endian ints (recording format 2). {@link #full(Cpu)} adds every byte of RAM; it is the
 * hash of the last StateHash, right before End. The mix is a fixed 64-bit multiply-rotate (the
 * xxHash64 round), so the values are the same on every JVM and never depend on
 * {@code Object.hashCode}. Changing what is covered or the mix breaks every existing recording:
 * that needs a new major recording format version.
 */
public final class StateHasher {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
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

    /** Hash of the registers and all of RAM: the final check of a replay. */
    public static long full(Cpu cpu) {
        return avalanche(round(registers(cpu), ram(cpu.memory.array())));
    }

    /** Hash of a RAM image, eight bytes at a time (RAM sizes are multiples of 4 KiB). */
    static long ram(byte[] ram) {
        long h = P3 ^ ram.length;
        int i = 0;
        for (; i + 8 <= ram.length; i += 8) h = round(h, (long) LONGS.get(ram, i));
        for (; i < ram.length; i++) h = round(h, ram[i]);
        return avalanche(h);
    }

    private static long round(long h, long v) {
        return Long.rotateLeft(h + v * P2, 31) * P1;
    }

    private static long avalanche(long h) {
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        return h ^ (h >>> 32);
    }
}
