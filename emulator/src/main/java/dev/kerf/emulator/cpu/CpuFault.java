package dev.kerf.emulator.cpu;

/**
 * A processor exception raised while executing an instruction (#PF, #GP, #UD, ...). Thrown from
 * anywhere inside an instruction and caught by the run loop, which rewinds EIP to the start of the
 * faulting instruction and delivers the exception through the IDT. Faults are rare relative to
 * instructions, so an exception without a stack trace is cheaper than error codes threaded
 * through every memory access.
 */
public final class CpuFault extends RuntimeException {
    public final int vector;
    public final boolean hasErrorCode;
    public final int errorCode;
    /** For #PF: the faulting linear address, to be written to CR2 on delivery. */
    public final int address;

    public CpuFault(int vector, boolean hasErrorCode, int errorCode, int address) {
        super(null, null, false, false);
        this.vector = vector;
        this.hasErrorCode = hasErrorCode;
        this.errorCode = errorCode;
        this.address = address;
    }

    public static CpuFault of(int vector) {
        return new CpuFault(vector, false, 0, 0);
    }

    public static CpuFault withCode(int vector, int errorCode) {
        return new CpuFault(vector, true, errorCode, 0);
    }

    public static CpuFault pageFault(int linear, int errorCode) {
        return new CpuFault(Vectors.PF, true, errorCode, linear);
    }

    @Override
    public String getMessage() {
        return Vectors.name(vector) + (hasErrorCode ? String.format(" error 0x%x", errorCode) : "")
                + (vector == Vectors.PF ? String.format(" at 0x%08x", address) : "");
    }
}
