package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.usermode.Descriptor;
import dev.kerf.emulator.usermode.PageMapping;
import dev.kerf.emulator.usermode.UserRegisters;

import java.util.List;

/**
 * One system call of the process, as the syscall log keeps it (its place in the log is its index).
 *
 * @param vector    the INT vector it was made with (0x80 on the kerf guest and Linux)
 * @param nr        call number (EAX at entry)
 * @param args      the argument registers at entry: EBX ECX EDX ESI EDI, and EBP on Linux ({@link SyscallAbi#argCount})
 * @param inputs    bytes the process passed through pointer arguments (write buffers, paths)
 * @param returned  false for the call the process never came back from (exit, or the slice ended in it)
 * @param result    EAX when it returned
 * @param mapped    pages the kernel mapped (or remapped with other permissions) during the call
 * @param unmapped  pages it unmapped
 * @param writes    bytes it changed in the process's memory
 * @param registers null when the call changed no register but EAX; else every register on return
 *                  (applied only against the recorded binary: an exec or a signal frame)
 * @param descriptors GDT entries user code may load that the call changed (Linux's set_thread_area)
 * @param segments  the segment registers on return when the call changed them (24 ints as
 *                  {@code ProcessImage.segments()}); null: as user code left them
 */
public record SyscallCall(int vector, int nr, int[] args, List<CallInput> inputs, boolean returned, int result,
                          List<PageMapping> mapped, List<Integer> unmapped, List<CallWrite> writes, UserRegisters registers,
                          List<Descriptor> descriptors, int[] segments) {
    /** A call that changed no descriptor and no segment register (every call on the example OS). */
    public SyscallCall(int vector, int nr, int[] args, List<CallInput> inputs, boolean returned, int result,
                       List<PageMapping> mapped, List<Integer> unmapped, List<CallWrite> writes, UserRegisters registers) {
        this(vector, nr, args, inputs, returned, result, mapped, unmapped, writes, registers, List.of(), null);
    }

    public SyscallCall {
        descriptors = List.copyOf(descriptors);
        if (segments != null && segments.length != 24) throw new IllegalArgumentException("segments must hold 24 ints");
        segments = segments == null ? null : segments.clone();
        if (args.length != 5 && args.length != 6) throw new IllegalArgumentException("a call has 5 or 6 argument registers");
        args = args.clone();
        inputs = List.copyOf(inputs);
        mapped = List.copyOf(mapped);
        unmapped = List.copyOf(unmapped);
        writes = List.copyOf(writes);
        if (!returned && (result != 0 || !mapped.isEmpty() || !unmapped.isEmpty() || !writes.isEmpty() || registers != null
                || !descriptors.isEmpty() || segments != null)) {
            throw new IllegalArgumentException("a call that did not return has no effects");
        }
    }

    @Override public int[] args() { return args.clone(); }

    @Override public int[] segments() { return segments == null ? null : segments.clone(); }

    /** The call changed a descriptor user code may load (set_thread_area) or a segment register. */
    public boolean changesSegments() {
        return !descriptors.isEmpty() || segments != null;
    }

    public int arg(int i) { return args[i]; }

    /** The input passed through argument {@code i}, or null. */
    public CallInput input(int i) {
        for (CallInput in : inputs) if (in.arg() == i) return in;
        return null;
    }
}
