package dev.kerf.emulator.mmu;

/**
 * Sees every data access that goes through {@link Mmu}'s access methods while it is installed
 * ({@link Mmu#observe}): accesses at the current privilege and the implicit supervisor ones
 * ({@code sys*}: descriptor tables, IDT, TSS). Called after the access completed; an access that
 * faults is not reported. Not reported: instruction fetches, page-table walks (and their A/D
 * updates), {@link Mmu#translate} and {@link Mmu#probe}.
 */
public interface AccessObserver {
    /** @param physical the physical address of the first byte; {@code value} zero-extended */
    void read(int linear, int physical, int size, int value);

    /** @param value the {@code size} bytes written, zero-extended */
    void written(int linear, int physical, int size, int value);
}
