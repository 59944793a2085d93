package dev.kerf.emulator.usermode;

import java.util.List;

/**
 * What the rest of the system did to the process between one exit from user mode and the next
 * return to it: mappings added (or with new permissions), pages removed, bytes changed in its
 * user pages (a new page starts as zeros), and the registers as IRET restores them.
 */
public record KernelReturn(List<PageMapping> mapped, List<Integer> unmapped, List<MemoryWrite> writes, UserRegisters registers) {
    public KernelReturn {
        mapped = List.copyOf(mapped);
        unmapped = List.copyOf(unmapped);
        writes = List.copyOf(writes);
    }
}
