package dev.kerf.slicer.component;

import dev.kerf.emulator.introspect.GuestMemory;
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
            if (boot.start() != null)
                throw new ComponentSliceException(name + ": the recording starts from a booted snapshot, which holds no kernel"
                        + " image to take the kernel's symbols from; no slice is made", false);
            elf = ElfSymbols.parse(name + ": kernel " + boot.kernelName(), boot.kernel());
            long[][] ranges = ComponentSlicer.ranges(name, spec, elf, matched, "kernel symbol");
            Replayer replayer = new Replayer(boot, EventSource.of(journal), null);
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
}
