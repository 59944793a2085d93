package dev.kerf.slicer.component;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.usermode.ComponentImage;
import dev.kerf.emulator.usermode.ProcessImage;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a component capture (user or kernel) keeps across activations: the machine settings at the
 * first entry, which every activation replays with, and the code the replayable activations
 * executed (functions by their symbols, addresses in no sized symbol on their own). Together they
 * become the slice's {@link ComponentImage}.
 */
final class ExecutedCode {
    private final TreeMap<Long, ElfSymbols.Function> functions = new TreeMap<>();
    private final TreeSet<Long> loose = new TreeSet<>();
    private int cr0, cr4;
    private int[] segments;

    /** At an activation's first instruction; the first entry fixes the settings. */
    void entered(Cpu cpu) {
        if (segments != null) return;
        cr0 = cpu.cr0;
        cr4 = cpu.cr4;
        segments = ProcessImage.segmentsOf(cpu);
    }

    /** The segment registers of the first entry (null before it). */
    int[] segments() {
        return segments == null ? null : segments.clone();
    }

    /** The functions and loose addresses of an activation that is replayable (the others' code stays out). */
    void add(Map<Long, ElfSymbols.Function> ran, Set<Long> looseEips) {
        functions.putAll(ran);
        loose.addAll(looseEips);
    }

    /** The slice's image: the settings of the first entry and the executed code's bytes from {@code elf}. */
    ComponentImage image(ElfSymbols elf) {
        return new ComponentImage(cr0, cr4, segments, ComponentSlicer.code(elf, List.copyOf(functions.values()), List.copyOf(loose)));
    }
}
