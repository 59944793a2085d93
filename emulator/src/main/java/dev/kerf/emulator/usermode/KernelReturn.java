package dev.kerf.emulator.usermode;

import java.util.List;

/**
 * What the rest of the system did to the process between one exit from user mode and the next
 * return to it: mappings added (or with new permissions), pages removed, bytes changed in its
 * user pages (a new page starts as zeros), descriptors user code may load that changed
 * ({@code set_thread_area}, a switch to a task with other TLS entries), the segment registers
 * when IRET left them other than they were at the exit (null: as they were), and the registers
 * as IRET restores them.
 */
public record KernelReturn(List<PageMapping> mapped, List<Integer> unmapped, List<MemoryWrite> writes, UserRegisters registers,
                           List<Descriptor> descriptors, int[] segments) {
    public KernelReturn {
        mapped = List.copyOf(mapped);
        unmapped = List.copyOf(unmapped);
        writes = List.copyOf(writes);
        descriptors = List.copyOf(descriptors);
        if (segments != null && segments.length != 24) throw new IllegalArgumentException("segments must hold 24 ints");
        segments = segments == null ? null : segments.clone();
    }

    /** A return that changed no descriptor and no segment register. */
    public KernelReturn(List<PageMapping> mapped, List<Integer> unmapped, List<MemoryWrite> writes, UserRegisters registers) {
        this(mapped, unmapped, writes, registers, List.of(), null);
    }

    @Override public int[] segments() { return segments == null ? null : segments.clone(); }

    /** True when the return changed a descriptor or a segment register (the file then needs PROCESS_SEGMENTS). */
    public boolean changesSegments() {
        return !descriptors.isEmpty() || segments != null;
    }
}
