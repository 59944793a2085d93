package dev.kerf.emulator.session;

import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.introspect.IntrospectionException;
import dev.kerf.emulator.introspect.KerfGuestProfile;
import dev.kerf.emulator.introspect.ProfileSource;
import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.introspect.linux.Kallsyms;
import dev.kerf.emulator.introspect.linux.KallsymsException;
import dev.kerf.emulator.introspect.linux.KernelBanner;
import dev.kerf.emulator.mmu.PhysicalMemory;
import dev.kerf.emulator.introspect.linux.LinuxGuestProfile;
import dev.kerf.emulator.introspect.linux.LinuxProfileFile;
import dev.kerf.emulator.introspect.linux.LinuxTaskLayout;
import dev.kerf.emulator.introspect.linux.LinuxTaskLayoutInference;
import dev.kerf.emulator.replay.EventSource;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.recording.Recording;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Decides, in one place, how a recording's guest is introspected (docs/linux.md, "Choosing the
 * profile"): the kerf example OS describes itself (its introspection export in RAM); any other
 * kernel is taken for i386 Linux, whose task layout is inferred from the recording's own system
 * calls in a first, silent replay that stops as soon as every fact is confirmed; or the user gives a
 * saved profile ({@code --profile FILE}, from {@code kerf profile REC --save FILE}) for recordings
 * that show too little. Every failure is one {@link IntrospectionException} line that says what is
 * missing and how to supply a profile.
 */
public final class GuestProfiles {
    /** Instructions replayed between checks of whether the inference is done. */
    static final long INFERENCE_STEP = 1_000_000;

    private GuestProfiles() {}

    /** What the user asked for ({@code --profile}): auto, the example OS, Linux (inferred), or a saved profile file. */
    public sealed interface Choice {
        record Auto() implements Choice {}
        record Kerf() implements Choice {}
        record Linux() implements Choice {}
        record Saved(Path file) implements Choice {}

        /** {@code auto}, {@code kerf}, {@code linux}, or a file name (anything else). */
        static Choice parse(String s) {
            return switch (s) {
                case "auto" -> new Auto();
                case "kerf" -> new Kerf();
                case "linux" -> new Linux();
                default -> new Saved(Path.of(s));
            };
        }
    }

    /** {@link Choice#parse}, for option converters. */
    public static Choice choice(String s) {
        return Choice.parse(s);
    }

    /** What was found, and how: for {@code kerf profile} and notes. */
    public record Resolved(ProfileSource source, String how, LinuxTaskLayout layout, long inferenceInstructions) {}

    /** {@link #resolve(Path, Choice)}'s source. */
    public static ProfileSource source(Path recording, Choice choice) throws IOException {
        return resolve(recording, choice).source();
    }

    /**
     * The profile source for replays of {@code recording}.
     *
     * @throws IntrospectionException no profile fits (one line: what is missing, how to give one)
     */
    public static Resolved resolve(Path recording, Choice choice) throws IOException {
        try (Recording opened = Recording.open(recording);
             JournalReader journal = JournalReader.open(opened.journalDir())) {
            Replayer replayer = new Replayer(ReplayBoot.of(opened), EventSource.of(journal), null);
            boolean notKerf = false;
            if (choice instanceof Choice.Auto || choice instanceof Choice.Kerf) {
                try {
                    KerfGuestProfile.read(replayer.cpu().memory);
                    return new Resolved(ProfileSource.KERF_EXPORT, "the kerf example OS's introspection export", null, 0);
                } catch (IntrospectionException e) {
                    boolean absent = !KerfGuestProfile.present(replayer.cpu().memory);
                    if (choice instanceof Choice.Kerf || !absent) throw new IntrospectionException(recording + ": " + e.getMessage());
                    notKerf = true;
                }
            }
            if (choice instanceof Choice.Saved saved) {
                LinuxProfileFile file = LinuxProfileFile.read(saved.file());
                if (opened.manifest().start() == null) { // the kernel is not booted yet: nothing to place it on or check against
                    return new Resolved(ProfileSource.of(new LinuxGuestProfile(file.layout())), "the saved profile " + saved.file(),
                            file.layout(), 0);
                }
                Placed placed;
                try {
                    placed = placeAndCheck(file, saved.file(), replayer.cpu().memory, replayer.cpu());
                } catch (IntrospectionException e) {
                    throw new IntrospectionException(recording + ": " + e.getMessage() + kernelNote(file.kernel(), replayer));
                }
                return new Resolved(ProfileSource.of(new LinuxGuestProfile(placed.layout())), "the saved profile " + saved.file() + placed.note(),
                        placed.layout(), 0);
            }
            LinuxTaskLayoutInference inference = new LinuxTaskLayoutInference(replayer.cpu().memory);
            inference.attach(replayer.cpu().hooks);
            ReplayResult r;
            do {
                replayer.stopAt(replayer.cpu().icount + INFERENCE_STEP);
                r = replayer.run();
            } while (r.outcome() == ReplayResult.Outcome.STOPPED && !inference.done());
            if (r.outcome() == ReplayResult.Outcome.DIVERGED) {
                throw new IntrospectionException(recording + ": it does not replay (" + r.divergence().message() + "); no profile can be inferred");
            }
            try {
                LinuxTaskLayout layout = inference.layout();
                return new Resolved(ProfileSource.of(new LinuxGuestProfile(layout)),
                        "inferred from the recording's system calls (" + inference.observations() + " returns, "
                                + replayer.cpu().icount + " instructions replayed)", layout, replayer.cpu().icount);
            } catch (IntrospectionException e) {
                Optional<String> banner = KernelBanner.find(replayer.cpu().memory.array());
                String how = "save a profile with 'kerf profile OTHER-REC --save F.kprofile' from a longer recording of the same"
                        + " kernel and give it with --profile F.kprofile";
                if (banner.isPresent()) {
                    throw new IntrospectionException(recording + ": " + shortBanner(banner.get()) + ", but its task layout could not"
                            + " be inferred from this recording (" + e.getMessage() + "); " + how);
                }
                if (notKerf) {
                    throw new IntrospectionException(recording + ": kerf cannot look inside this guest: it is neither the kerf example OS"
                            + " (no introspection export at physical 0x" + Integer.toHexString(KerfGuestProfile.EXPORT_ADDRESS)
                            + ") nor a Linux kernel (no \"Linux version\" banner in its RAM);"
                            + " kerf profiles the example OS from its export and i386 Linux from its recording or --profile FILE");
                }
                throw new IntrospectionException(recording + ": --profile linux: this is not a Linux kernel (no \"Linux version\" banner"
                        + " in its RAM, and " + e.getMessage() + "); " + how);
            }
        }
    }

    /** "Linux version 6.1.0-57-686" of a whole banner. */
    static String shortBanner(String banner) {
        String[] w = banner.split(" ", 4);
        return w.length >= 3 ? w[0] + " " + w[1] + " " + w[2] : banner;
    }

    /** A saved profile as a source, placed on and checked against each machine it is opened on (a time slice's RAM at its start). */
    public static ProfileSource saved(Path file) throws IOException {
        LinuxProfileFile saved = LinuxProfileFile.read(file);
        return memory -> new LinuxGuestProfile(placeAndCheck(saved, file, memory, null).layout());
    }

    /** {@link #place}, then the layout checked against the kernel in {@code ram} ({@link LinuxGuestProfile#misfit}). */
    private static Placed placeAndCheck(LinuxProfileFile file, Path name, PhysicalMemory ram, Cpu cpu) {
        Placed placed = place(file, ram, cpu);
        String misfit = new LinuxGuestProfile(placed.layout()).misfit(new GuestMemory(ram));
        if (misfit != null) throw new IntrospectionException("the profile " + name + " does not fit this recording's kernel: " + misfit + placed.note());
        return placed;
    }

    /** A saved layout as it applies to one machine, and a note saying how it was moved (or ""). */
    record Placed(LinuxTaskLayout layout, String note) {}

    /**
     * The saved layout on this machine's kernel: when both know where {@code _text} is (kallsyms)
     * and it moved (another KASLR slide), the image addresses move by the difference, and the
     * per-cpu base is read from the machine's GDT entry {@value LinuxTaskLayout#PERCPU_GDT_ENTRY}
     * (with {@code cpu}), else moved the other way (the per-cpu area stays where it was allocated).
     */
    static Placed place(LinuxProfileFile file, PhysicalMemory ram, Cpu cpu) {
        if (file.text() == null) return new Placed(file.layout(), "");
        long here;
        try {
            OptionalLong t = Kallsyms.decode(ram.array()).address("_text");
            if (t.isEmpty()) return new Placed(file.layout(), "");
            here = t.getAsLong();
        } catch (KallsymsException e) {
            return new Placed(file.layout(), "");
        }
        int delta = (int) (here - file.text());
        if (delta == 0) return new Placed(file.layout(), "");
        int percpu = file.layout().percpuBase() - delta;
        long fromGdt = cpu == null ? -1 : LinuxTaskLayout.percpuBase(new GuestMemory(ram), cpu.cr3, cpu.gdtBase);
        if (fromGdt >= 0) percpu = (int) fromGdt;
        return new Placed(file.layout().rebased(delta, percpu),
                String.format(" (moved by %s%x to this kernel's KASLR slide: _text at %08x, saved at %08x)",
                        delta < 0 ? "-0x" : "+0x", Math.abs((long) delta), here, file.text()));
    }

    private static String kernelNote(String savedKernel, Replayer replayer) {
        if (savedKernel == null) return "";
        Optional<String> here = KernelBanner.find(replayer.cpu().memory.array());
        if (here.isEmpty() || here.get().equals(savedKernel)) return "";
        return " (it was saved for " + savedKernel + ", this recording runs " + here.get() + ")";
    }
}
