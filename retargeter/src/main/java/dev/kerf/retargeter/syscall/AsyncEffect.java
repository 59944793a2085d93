package dev.kerf.retargeter.syscall;

import dev.kerf.emulator.usermode.Descriptor;
import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.PageMapping;
import dev.kerf.emulator.usermode.UserRegisters;

import java.util.List;

/**
 * Something the rest of the system did to the process outside a system call (after an interrupt
 * or a fault it returned from: a signal, a page mapped on demand), placed "before call
 * {@code beforeCall}" — the syscall log has no instruction counts. Replayable only against the
 * recorded binary, and then only when it changes memory or mappings, not registers (a signal
 * handler entered at an instruction the log cannot name): docs/retargeting.md.
 *
 * @param beforeCall index of the first call made after it (the number of calls when none was)
 * @param cause      the exit it followed, as {@code UserExit.describe()} says it
 * @param registers  null when the registers came back as they left; else the registers on return
 * @param descriptors GDT entries user code may load that changed (a switch back to the task rewrites its TLS entries)
 * @param segments   the segment registers on return when they changed; null: as user code left them
 */
public record AsyncEffect(int beforeCall, String cause, List<PageMapping> mapped, List<Integer> unmapped,
                          List<MemoryWrite> writes, UserRegisters registers, List<Descriptor> descriptors, int[] segments) {
    /** An effect that changed no descriptor and no segment register. */
    public AsyncEffect(int beforeCall, String cause, List<PageMapping> mapped, List<Integer> unmapped, List<MemoryWrite> writes,
                       UserRegisters registers) {
        this(beforeCall, cause, mapped, unmapped, writes, registers, List.of(), null);
    }

    public AsyncEffect {
        descriptors = List.copyOf(descriptors);
        if (segments != null && segments.length != 24) throw new IllegalArgumentException("segments must hold 24 ints");
        segments = segments == null ? null : segments.clone();
        if (beforeCall < 0) throw new IllegalArgumentException("negative call index");
        mapped = List.copyOf(mapped);
        unmapped = List.copyOf(unmapped);
        writes = List.copyOf(writes);
    }

    @Override public int[] segments() { return segments == null ? null : segments.clone(); }
}
