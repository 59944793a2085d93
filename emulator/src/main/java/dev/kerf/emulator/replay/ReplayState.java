package dev.kerf.emulator.replay;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The replay's own state beside CPU and RAM, as a checkpoint's device section stores it:
 * version byte 1, then big-endian: u8 sticky-port count n, n × (i32 size, i32 value), u8 flags
 * (bit 0 DLAB, bit 1 loopback, bit 2 debug-exit requested), i32 exit status, i64 console bytes,
 * i64 state hashes matched, i64 icount of the last verified hash. Exactly that many bytes.
 */
record ReplayState(int[] sticky, boolean dlab, boolean loopback, boolean exitRequested, int exitStatus,
                   long consoleBytes, long hashesMatched, long verifiedAt) {
    private static final int VERSION = 1;

    static ReplayState capture(ReplayBus bus, ReplayOutputs outputs, long hashesMatched) {
        return new ReplayState(bus.stickyState(), outputs.dlab(), outputs.loopback(), outputs.exitRequested(),
                outputs.exitStatus(), outputs.consoleBytes(), hashesMatched, bus.verifiedAt());
    }

    /** Puts the state back; returns the hashes matched so far (the replayer's own counter). */
    long restore(ReplayBus bus, ReplayOutputs outputs) {
        bus.restoreStickyState(sticky);
        bus.verified(verifiedAt);
        outputs.restore(dlab, loopback, consoleBytes, exitRequested, exitStatus);
        return hashesMatched;
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(sticky.length / 2);
            for (int v : sticky) out.writeInt(v);
            out.writeByte((dlab ? 1 : 0) | (loopback ? 2 : 0) | (exitRequested ? 4 : 0));
            out.writeInt(exitStatus);
            out.writeLong(consoleBytes);
            out.writeLong(hashesMatched);
            out.writeLong(verifiedAt);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when {@code data} is not a state this version wrote */
    static ReplayState decode(byte[] data) {
        if (data == null || data.length == 0) throw new IllegalArgumentException("no replay state in the checkpoint");
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) throw new IllegalArgumentException("replay state version " + version + ", expected " + VERSION);
            int n = in.readUnsignedByte();
            int[] sticky = new int[2 * n];
            for (int i = 0; i < sticky.length; i++) sticky[i] = in.readInt();
            int flags = in.readUnsignedByte();
            ReplayState s = new ReplayState(sticky, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, in.readInt(),
                    in.readLong(), in.readLong(), in.readLong());
            if (in.available() != 0 || (flags & ~7) != 0 || s.consoleBytes < 0 || s.hashesMatched < 0) {
                throw new IllegalArgumentException("replay state has unknown flags, negative counts or trailing bytes");
            }
            return s;
        } catch (IOException e) {
            throw new IllegalArgumentException("replay state is truncated (" + data.length + " bytes)");
        }
    }
}
