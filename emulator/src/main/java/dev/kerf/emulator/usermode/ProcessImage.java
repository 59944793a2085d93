package dev.kerf.emulator.usermode;

import java.util.List;

/**
 * The process when its slice starts: who it is, the machine settings its user code depends on, its
 * registers and its user address space.
 *
 * @param pid         the guest's pid
 * @param name        its name when the slice starts
 * @param cr0         CR0 while it ran (PE, PG, WP...)
 * @param cr4         CR4 while it ran
 * @param segments    ES CS SS DS FS GS as it ran, four ints each: selector, base, limit, access
 *                    (the hidden descriptor caches, see {@code SegmentCache})
 * @param userGates   IDT vectors whose gate user code may invoke with INT n (DPL 3), ascending
 * @param supervisor  pages present but supervisor-only (no contents)
 * @param registers   registers at its first user instruction of the slice
 * @param pages       its user pages
 * @param contents    their non-zero bytes (a page not written here is zeros)
 * @param descriptors the GDT entries user code may load ({@link Descriptor}) that no segment
 *                    register held at the start (those come from {@code segments}), ascending index
 */
public record ProcessImage(int pid, String name, int cr0, int cr4, int[] segments, int[] userGates, List<PageRun> supervisor,
                           UserRegisters registers, List<PageMapping> pages, List<MemoryWrite> contents, List<Descriptor> descriptors) {
    public ProcessImage {
        if (segments.length != 24) throw new IllegalArgumentException("segments must hold 24 ints");
        segments = segments.clone();
        userGates = userGates.clone();
        supervisor = List.copyOf(supervisor);
        pages = List.copyOf(pages);
        contents = List.copyOf(contents);
        descriptors = List.copyOf(descriptors);
    }

    /** An image whose process can load no descriptor beyond its segment registers' (the example OS's). */
    public ProcessImage(int pid, String name, int cr0, int cr4, int[] segments, int[] userGates, List<PageRun> supervisor,
                        UserRegisters registers, List<PageMapping> pages, List<MemoryWrite> contents) {
        this(pid, name, cr0, cr4, segments, userGates, supervisor, registers, pages, contents, List.of());
    }

    /** The same image with {@code list} as its loadable descriptors. */
    public ProcessImage withDescriptors(List<Descriptor> list) {
        return new ProcessImage(pid, name, cr0, cr4, segments, userGates, supervisor, registers, pages, contents, list);
    }

    /** The same image under another name (a redacted one). */
    public ProcessImage withName(String newName) {
        return new ProcessImage(pid, newName, cr0, cr4, segments, userGates, supervisor, registers, pages, contents, descriptors);
    }

    @Override public int[] segments() { return segments.clone(); }

    /** The segment registers as {@code segments} holds them: ES CS SS DS FS GS, selector, base, limit, access each. */
    public static int[] segmentsOf(dev.kerf.emulator.cpu.Cpu cpu) {
        int[] segments = new int[24];
        for (int i = 0; i < 6; i++) {
            segments[4 * i] = cpu.seg[i].selector;
            segments[4 * i + 1] = cpu.seg[i].base;
            segments[4 * i + 2] = cpu.seg[i].limit;
            segments[4 * i + 3] = cpu.seg[i].access;
        }
        return segments;
    }
    @Override public int[] userGates() { return userGates.clone(); }
}
