package dev.kerf.emulator.usermode;

/**
 * One entry of the process's global descriptor table that user code can load (a code or data
 * segment descriptor with DPL 3), as its 8 raw bytes: {@code low} is bytes 0..3, {@code high}
 * bytes 4..7. On Linux these are the user code and data segments and the thread-local storage
 * entries {@code set_thread_area} writes (and the kernel rewrites at each switch to the task).
 * An all-zero descriptor says the entry was cleared.
 *
 * @param index the GDT index (selector >> 3), 1..{@link UserModeMachine#GDT_ENTRIES} - 1
 */
public record Descriptor(int index, int low, int high) {
    public Descriptor {
        if (index < 1 || index >= UserModeMachine.GDT_ENTRIES) {
            throw new IllegalArgumentException("GDT index " + index + " out of 1.." + (UserModeMachine.GDT_ENTRIES - 1));
        }
    }

    /** True for a code or data segment descriptor user code may load (S = 1, DPL = 3), present or not. */
    public static boolean userLoadable(int high) {
        return (high & 0x1000) != 0 && ((high >>> 13) & 3) == 3;
    }
}
