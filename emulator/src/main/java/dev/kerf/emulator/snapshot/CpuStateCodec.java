package dev.kerf.emulator.snapshot;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.kerf.emulator.cpu.CpuState;
import dev.kerf.formats.FormatException;
import java.nio.file.Path;

/**
 * CPU state to and from the bytes of a checkpoint's CPU section, through Kryo with explicit
 * registration (an unregistered class is an error, so nothing is ever serialized by reflection).
 * One instance per thread: Kryo is not thread-safe. Public for time slices (slicer), which store
 * the CPU state exactly as a checkpoint does.
 */
public final class CpuStateCodec {
    /** Kryo registration id of {@link CpuState}: stored nowhere today, fixed so it never moves. */
    private static final int CPU_STATE_ID = 100;

    private final Kryo kryo = new Kryo();

    public CpuStateCodec() {
        kryo.setRegistrationRequired(true);
        kryo.register(CpuState.class, new CpuStateSerializer(), CPU_STATE_ID);
    }

    public byte[] encode(CpuState state) {
        Output out = new Output(CpuStateSerializer.LENGTH, CpuStateSerializer.LENGTH);
        kryo.writeObject(out, state);
        return out.toBytes();
    }

    /**
     * Decodes a CPU section read from {@code file}, whose data began at {@code sectionOffset}
     * (the error names file and offset). The bytes have passed the section CRC, so an error here
     * means a foreign writer or another CPU state version.
     */
    public CpuState decode(byte[] bytes, Path file, long sectionOffset) {
        if (bytes.length != CpuStateSerializer.LENGTH)
            throw new FormatException(file, sectionOffset, "CPU state of " + bytes.length + " bytes, version "
                    + CpuStateSerializer.VERSION + " has " + CpuStateSerializer.LENGTH);
        Input in = new Input(bytes);
        try {
            return kryo.readObject(in, CpuState.class);
        } catch (KryoException e) {
            throw new FormatException(file, sectionOffset + in.position(), e.getMessage().lines().findFirst().orElse("bad CPU state"));
        }
    }
}
