package dev.kerf.emulator.usermode;

import java.util.List;

/**
 * What every activation of a component slice shares: the machine settings its user code ran with
 * and the code it executed (the program's text of the functions it ran, from the ELF file).
 *
 * @param cr0      CR0 while it ran
 * @param cr4      CR4 while it ran
 * @param segments ES CS SS DS FS GS as it ran, four ints each (see {@link ProcessImage})
 * @param code     the code bytes, by address
 */
public record ComponentImage(int cr0, int cr4, int[] segments, List<MemoryWrite> code) {
    public ComponentImage {
        if (segments.length != 24) throw new IllegalArgumentException("segments must hold 24 ints");
        segments = segments.clone();
        code = List.copyOf(code);
    }

    @Override public int[] segments() { return segments.clone(); }
}
