package dev.kerf.emulator.device;

/**
 * QEMU's isa-debug-exit at 0xF4 (iosize 4): a write of value v of any size to any of its ports
 * asks the machine to stop with exit status {@code (v << 1) | 1}. Reads return all-ones.
 */
public final class DebugExit implements IoDevice {
    private boolean requested;
    private int status;

    /** Snapshot state: written (1 byte), status (int32; 0 unless written). */
    void save(StateWriter w) {
        w.bool(requested);
        w.i32(status);
    }

    void load(StateReader r) {
        r.device("debug-exit");
        requested = r.bool("written");
        int at = r.offset();
        status = r.i32("status");
        if (requested ? (status & 1) == 0 : status != 0) {
            throw r.fail(at, "status " + status + (requested ? " is not odd" : " without a write"));
        }
    }

    @Override
    public int read(int port, int size) {
        return IoBus.allOnes(size);
    }

    @Override
    public void write(int port, int size, int value) {
        if (!requested) {
            requested = true;
            status = (value << 1) | 1;
        }
    }

    public boolean exitRequested() {
        return requested;
    }

    public int exitStatus() {
        return status;
    }
}
