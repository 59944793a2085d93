package dev.kerf.emulator.snapshot;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.kerf.emulator.cpu.CpuState;
import dev.kerf.emulator.cpu.fpu.FpuState;

/**
 * The Kryo form of a {@link CpuState}, written field by field (never Kryo's reflective
 * FieldSerializer, whose bytes would change with the class). Version 2 (version 1 had no x87), {@value #LENGTH} bytes,
 * every int and long fixed-width little-endian (Kryo's {@code writeInt}/{@code writeLong}), a
 * boolean one byte 0 or 1:
 *
 * <pre>
 * Version int (1) | EAX..EDI 8 x int | EIP int | EFLAGS int
 * | ES CS SS DS FS GS LDTR TR: 8 x (selector, base, limit, access) int
 * | GDTR base, GDTR limit, IDTR base, IDTR limit int | CR0 CR2 CR3 CR4 int | CPL int | DR0..DR7 8 x int
 * | x87 108 bytes (the 32-bit FNSAVE image, {@code FpuState.image()})
 * | Icount long | Halted boolean | Shadow boolean | FaultsSinceRetire int
 * </pre>
 *
 * A reader refuses another version, a boolean other than 0/1, and values {@link CpuState}
 * rejects, each as a {@link KryoException} the caller turns into a FormatException with an offset.
 */
final class CpuStateSerializer extends Serializer<CpuState> {
    static final int VERSION = 2;
    static final int LENGTH = 4 + 10 * 4 + CpuState.SEGMENT_INTS * 4 + 8 * 4 + 4 + 8 * 4 + FpuState.IMAGE_BYTES + 8 + 2 + 4;

    CpuStateSerializer() {
        super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output out, CpuState s) {
        out.writeInt(VERSION);
        out.writeInts(s.reg(), 0, 8);
        out.writeInt(s.eip());
        out.writeInt(s.eflags());
        out.writeInts(s.segments(), 0, CpuState.SEGMENT_INTS);
        out.writeInts(s.tables(), 0, 4);
        out.writeInts(s.control(), 0, 4);
        out.writeInt(s.cpl());
        out.writeInts(s.dr(), 0, 8);
        out.writeBytes(s.fpu());
        out.writeLong(s.icount());
        out.writeBoolean(s.halted());
        out.writeBoolean(s.shadow());
        out.writeInt(s.faultsSinceRetire());
    }

    @Override
    public CpuState read(Kryo kryo, Input in, Class<? extends CpuState> type) {
        int version = in.readInt();
        if (version != VERSION) throw new KryoException("CPU state version " + version + ", this kerf reads " + VERSION);
        int[] reg = in.readInts(8);
        int eip = in.readInt();
        int eflags = in.readInt();
        int[] segments = in.readInts(CpuState.SEGMENT_INTS);
        int[] tables = in.readInts(4);
        int[] control = in.readInts(4);
        int cpl = in.readInt();
        int[] dr = in.readInts(8);
        byte[] fpu = in.readBytes(FpuState.IMAGE_BYTES);
        long icount = in.readLong();
        boolean halted = bool(in);
        boolean shadow = bool(in);
        int faults = in.readInt();
        try {
            return new CpuState(reg, eip, eflags, segments, tables, control, cpl, dr, fpu, icount, halted, shadow, faults);
        } catch (IllegalArgumentException e) {
            throw new KryoException("CPU state: " + e.getMessage());
        }
    }

    private static boolean bool(Input in) {
        int b = in.readByte();
        if (b != 0 && b != 1) throw new KryoException("boolean byte " + b);
        return b == 1;
    }
}
