package dev.kerf.slicer.component;

import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.introspect.linux.Kallsyms;
import dev.kerf.emulator.introspect.linux.KallsymsException;
import dev.kerf.emulator.introspect.linux.LinuxSymbols;
import dev.kerf.emulator.replay.EventSource;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.emulator.usermode.ComponentActivation;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.recording.Recording;
import dev.kerf.formats.slice.SliceHeader;
import dev.kerf.slicer.privacy.SecretSet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The capture half of a kernel component slice ({@code kernel:GLOB}, docs/slicing.md "Kernel
 * components"): the kernel ELF is the one the recording booted (stored in it by hash, named in
 * its manifest), the spec resolves against its function symbols, and the recording is replayed
 * (verified against its state hashes) with a {@link KernelComponentCapture}. The rest — privacy,
 * encoding, reading back, replaying every activation — is {@link ComponentSlicer#finish}.
 */
final class KernelComponentSlicer {
    private KernelComponentSlicer() {}

    static ComponentSliceResult slice(Path recording, ComponentSpec spec, SecretSet secrets) throws IOException {
        String name = String.valueOf(recording.getFileName());
        KernelComponentCapture capture;
        ReplayResult r;
        List<String> matched = new ArrayList<>();
        ElfSymbols elf;
        SliceHeader source;
        try (Recording opened = Recording.open(recording);
             JournalReader journal = JournalReader.open(opened.journalDir())) {
            source = ComponentSlicer.header(recording, opened);
            ReplayBoot boot = ReplayBoot.of(opened);
            Replayer replayer = new Replayer(boot, EventSource.of(journal), null);
            elf = boot.start() != null ? fromMemory(name, replayer) : ElfSymbols.parse(name + ": kernel " + boot.kernelName(), boot.kernel());
            long[][] ranges = ComponentSlicer.ranges(name, spec, elf, matched, "kernel symbol");
            capture = new KernelComponentCapture(new GuestMemory(replayer.cpu().memory), elf, ranges);
            capture.attach(replayer.cpu());
            r = replayer.run();
            if (r.outcome() == ReplayResult.Outcome.DIVERGED) {
                throw new ComponentSliceException(name + ": it does not replay (" + r.divergence().message() + "); no slice is made", true);
            }
        }
        List<ComponentActivation> activations = capture.finish();
        if (activations.isEmpty()) {
            throw new ComponentSliceException(name + ": component " + spec + " never ran (the kernel never called "
                    + (matched.isEmpty() ? "into the range" : String.join(", ", matched)) + "); nothing to slice");
        }
        ComponentSlice slice = new ComponentSlice(true, capture.code().image(elf), activations, capture.ports());
        return ComponentSlicer.finish(name, spec, "kernel", slice, matched, source, r.icount(), secrets);
    }

    /**
     * A recording from a booted snapshot holds no kernel image: a Linux kernel's own symbol table
     * (kallsyms, found in RAM at the recording's start) names its functions, each running to the
     * next symbol's address (kallsyms has no sizes), and its text is read from memory there.
     */
    private static ElfSymbols fromMemory(String name, Replayer replayer) {
        LinuxSymbols syms;
        try {
            syms = Kallsyms.decode(replayer.cpu().memory.array());
        } catch (KallsymsException e) {
            throw new ComponentSliceException(name + ": the recording starts from a booted snapshot, which holds no kernel image,"
                    + " and no kernel symbol table was found in its memory (" + e.getMessage() + "); no slice is made", false);
        }
        LinuxSymbols.Range text = syms.textRanges().get(0);
        byte[] code = new GuestMemory(replayer.cpu().memory).virtualBytes(replayer.cpu().cr3, (int) text.start(), (int) (text.end() - text.start()));
        if (code == null || code.length != text.end() - text.start()) {
            throw new ComponentSliceException(name + String.format(": the kernel's text 0x%08x-0x%08x is not all mapped at the recording's start",
                    text.start(), text.end()), false);
        }
        List<LinuxSymbols.Symbol> all = syms.symbols();
        List<ElfSymbols.Function> functions = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            LinuxSymbols.Symbol s = all.get(i);
            if (Character.toLowerCase(s.type()) != 't' || !text.contains(s.address())) continue;
            long end = text.end();
            for (int k = i + 1; k < all.size(); k++) {
                if (all.get(k).address() > s.address()) {
                    end = Math.min(end, all.get(k).address());
                    break;
                }
            }
            functions.add(new ElfSymbols.Function(s.name(), s.address(), end));
        }
        functions.sort(java.util.Comparator.comparingLong(ElfSymbols.Function::start).thenComparing(ElfSymbols.Function::name));
        return ElfSymbols.of(name + ": the kernel's text in memory", functions, text.start(), code);
    }
}
