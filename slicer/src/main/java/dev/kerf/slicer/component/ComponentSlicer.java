package dev.kerf.slicer.component;

import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.introspect.IntrospectionException;
import dev.kerf.emulator.introspect.GuestProfile;
import dev.kerf.emulator.introspect.ProfileSource;
import dev.kerf.emulator.introspect.ProcessListener;
import dev.kerf.emulator.introspect.ProcessTracker;
import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.hook.PrivilegeHook;
import dev.kerf.emulator.loader.BootModule;
import dev.kerf.emulator.replay.EventSource;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.emulator.kernelmode.KernelComponentReplayer;
import dev.kerf.emulator.kernelmode.KernelModeException;
import dev.kerf.emulator.usermode.ComponentActivation;
import dev.kerf.emulator.usermode.ComponentReplayer;
import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.emulator.usermode.UserModeException;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.recording.Recording;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceHeader;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.formats.slice.SliceWriter;
import dev.kerf.slicer.privacy.SecretSet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Makes a component slice of a recording (design §7, docs/slicing.md "Component slices"): finds
 * the program's ELF in the recording's initrd, resolves the spec to address ranges, replays the
 * recording (verified against its state hashes) with a {@link ComponentCapture}, removes named
 * secrets from the first loads and entry registers, encodes the slice, reads it back and replays
 * every replayable activation. Only a slice that verifies is returned; every failure is one line
 * ({@link ComponentSliceException}). Kernel components ({@code kernel:GLOB}) are captured by
 * {@link KernelComponentSlicer} and finished here the same way.
 */
public final class ComponentSlicer {
    private static final int LISTED = 12;

    private ComponentSlicer() {}

    /** A recording of the example OS, the program taken from its initrd. */
    public static ComponentSliceResult slice(Path recording, ComponentSpec asked, SecretSet secrets) throws IOException {
        return slice(recording, ProfileSource.KERF_EXPORT, asked, secrets, null);
    }

    /**
     * The guest introspected through {@code profiles}; the program's ELF read from
     * {@code programFile} when given (a Linux recording made from a snapshot holds no initrd:
     * the developer gives the file they have; its text must match the code the process ran),
     * else from the recording's initrd ({@code /bin/PROG}).
     */
    public static ComponentSliceResult slice(Path recording, ProfileSource profiles, ComponentSpec asked, SecretSet secrets, Path programFile)
            throws IOException {
        if (asked.kernel()) {
            if (programFile != null) throw new ComponentSliceException("--program names a user program; kernel components use the recording's kernel");
            return KernelComponentSlicer.slice(recording, asked, secrets);
        }
        String name = String.valueOf(recording.getFileName());
        byte[] programBytes = programFile == null ? null : readProgram(programFile);
        ComponentSpec spec = asked.pid() < 0 ? asked : asked.inProgram(programOf(recording, profiles, name, asked.pid()));
        ComponentCapture capture;
        ReplayResult r;
        List<String> matched;
        ElfSymbols elf;
        TreeSet<String> seen = new TreeSet<>();
        SliceHeader source;
        try (Recording opened = Recording.open(recording);
             JournalReader journal = JournalReader.open(opened.journalDir())) {
            source = header(recording, opened);
            ReplayBoot boot = ReplayBoot.of(opened);
            String where = programFile != null ? programFile.toString() : "/bin/" + spec.program();
            elf = ElfSymbols.parse(programFile != null ? programFile.toString() : name + ": /bin/" + spec.program(),
                    programBytes != null ? programBytes : program(name, boot, spec.program()));
            matched = new ArrayList<>();
            long[][] ranges = ranges(name, spec, elf, matched, "function of " + where);
            Replayer replayer = new Replayer(boot, EventSource.of(journal), null);
            GuestProfile profile = profile(name, profiles, replayer);
            ProcessListener names = new ProcessListener() {
                @Override public void created(long icount, int pid, int ppid, String n) { seen.add(n); }
                @Override public void execed(long icount, int pid, String oldName, String newName) { seen.add(newName); }
            };
            GuestMemory guest = new GuestMemory(replayer.cpu().memory);
            ProcessTracker tracker = new ProcessTracker(profile, guest, names);
            tracker.attach(replayer.cpu().hooks);
            capture = new ComponentCapture(tracker, guest, spec.program(), asked.pid(), elf, ranges);
            replayer.cpu().hooks.add((InterruptHook) capture);
            replayer.cpu().hooks.add((PrivilegeHook) capture);
            r = replayer.run();
            if (r.outcome() == ReplayResult.Outcome.DIVERGED) {
                throw new ComponentSliceException(name + ": it does not replay (" + r.divergence().message() + "); no slice is made", true);
            }
            tracker.finish(replayer.cpu());
        }
        if (capture.mismatch() != null) {
            throw new ComponentSliceException((programFile != null ? programFile.toString() : name + ": /bin/" + spec.program()) + ": "
                    + capture.mismatch() + "; give the program file the recording ran");
        }
        List<ComponentActivation> activations = capture.finish();
        if (!capture.programRan() && asked.pid() >= 0) {
            throw new ComponentSliceException(name + ": process " + asked.pid() + " never ran " + spec.program() + " in user mode");
        }
        if (!capture.programRan()) {
            throw new ComponentSliceException(name + ": no process named " + spec.program() + " ran in user mode; processes seen: "
                    + String.join(", ", seen));
        }
        if (activations.isEmpty()) {
            throw new ComponentSliceException(name + ": component " + spec + " never ran (" + spec.program() + " ran, but never called "
                    + (matched.isEmpty() ? "into the range" : String.join(", ", matched)) + "); nothing to slice");
        }
        ComponentSlice slice = new ComponentSlice(capture.code().image(elf), activations);
        return finish(name, asked, spec.program(), slice, matched, source, r.icount(), secrets);
    }

    /** The guest's profile (the example OS's export, Linux's task layout...), opened on the replay's memory at its start. */
    private static GuestProfile profile(String name, ProfileSource profiles, Replayer replayer) {
        try {
            return profiles.open(replayer.cpu().memory);
        } catch (IntrospectionException e) {
            throw new ComponentSliceException(name + ": " + e.getMessage());
        }
    }

    /** The program file given with {@code --program}: a missing or unreadable file is one line naming it. */
    private static byte[] readProgram(Path file) {
        try {
            if (!java.nio.file.Files.isRegularFile(file)) throw new ComponentSliceException(file + ": no such program file");
            if (java.nio.file.Files.size(file) > (256L << 20)) throw new ComponentSliceException(file + ": larger than 256 MiB; not a program");
            return java.nio.file.Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ComponentSliceException(file + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    /** The program process {@code pid} last exec'd (a first replay, with the process tracker only). */
    private static String programOf(Path recording, ProfileSource profiles, String name, int pid) throws IOException {
        Map<Integer, String> last = new TreeMap<>();
        try (Recording opened = Recording.open(recording);
             JournalReader journal = JournalReader.open(opened.journalDir())) {
            Replayer replayer = new Replayer(ReplayBoot.of(opened), EventSource.of(journal), null);
            GuestProfile profile = profile(name, profiles, replayer);
            ProcessListener names = new ProcessListener() {
                @Override public void created(long icount, int p, int ppid, String n) { last.put(p, n); }
                @Override public void execed(long icount, int p, String oldName, String newName) { last.put(p, newName); }
            };
            new ProcessTracker(profile, new GuestMemory(replayer.cpu().memory), names).attach(replayer.cpu().hooks);
            ReplayResult r = replayer.run();
            if (r.outcome() == ReplayResult.Outcome.DIVERGED) {
                throw new ComponentSliceException(name + ": it does not replay (" + r.divergence().message() + "); no slice is made", true);
            }
        }
        String program = last.get(pid);
        if (program == null) {
            List<String> seen = new ArrayList<>();
            for (Map.Entry<Integer, String> e : last.entrySet()) seen.add(e.getKey() + " " + e.getValue());
            throw new ComponentSliceException(name + ": no process " + pid + " in the recording; pids seen: " + String.join(", ", seen));
        }
        return program;
    }

    static ComponentSliceResult finish(String name, ComponentSpec spec, String program, ComponentSlice slice, List<String> matched,
                                       SliceHeader source, long icount, SecretSet secrets) throws IOException {
        ComponentPrivacy privacy = new ComponentPrivacy(secrets);
        Map<String, Object> manifest = privacy.redact(slice);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("component", privacy.clean(spec.toString()));
        params.put("program", privacy.clean(program));
        if (spec.pid() >= 0) params.put("pid", (long) spec.pid());
        if (!matched.isEmpty()) params.put("functions", privacy.clean(String.join(",", matched)));
        params.put("activations", (long) slice.activations().size());
        params.put("bytesLoaded", slice.loadedBytes());
        params.put("bytesWritten", slice.writtenBytes());
        params.put("codeBytes", slice.codeBytes());
        if (slice.kernel()) {
            params.put("portAccesses", slice.portAccesses());
            params.put("portInputBytes", slice.portInputBytes());
            params.put("portOutputBytes", slice.portOutputBytes());
        }
        params.put("recordingInstructions", icount);
        SliceHeader header = new SliceHeader(SliceKind.COMPONENT, params, source.sourceId(), privacy.clean(source.sourceName()),
                source.ramBytes(), source.stateHashEvery(), source.stickyPorts(), manifest);
        SliceWriter writer = new SliceWriter(header);
        ComponentSliceCodec.write(slice, writer);
        for (byte[] f : privacy.fingerprintSections()) writer.add(dev.kerf.formats.slice.SectionType.FINGERPRINTS, f);
        byte[] bytes = writer.finish();
        ComponentSlice back = ComponentSliceCodec.read(SliceReader.read(bytes, Path.of(name + ".kslice")));
        int[] counts;
        try {
            counts = verify(back);
        } catch (ComponentSliceException e) {
            if (privacy.removedAny()) throw new ComponentSliceException("with the secrets removed " + e.getMessage(), true);
            throw e;
        }
        if (counts[0] == 0) {
            throw new ComponentSliceException(name + ": none of the " + counts[1] + " calls of " + spec + " can be replayed (each "
                    + (slice.kernel() ? "was interrupted" : "made a system call") + ", or the recording ended inside it); nothing to slice");
        }
        return new ComponentSliceResult(back, matched, counts[0], counts[1], icount, privacy.redaction(), bytes);
    }

    /**
     * Replays every replayable activation; returns {verified, skipped}. The first divergence is a
     * {@link ComponentSliceException} naming the activation.
     */
    public static int[] verify(ComponentSlice slice) {
        int verified = 0, skipped = 0;
        for (int i = 0; i < slice.activations().size(); i++) {
            ComponentActivation a = slice.activations().get(i);
            if (!a.end().replayable()) {
                skipped++;
                continue;
            }
            String d;
            try {
                d = slice.kernel() ? KernelComponentReplayer.replay(slice.image(), a, slice.ports().get(i)) : ComponentReplayer.replay(slice.image(), a);
            } catch (UserModeException | KernelModeException e) {
                d = e.getMessage();
            }
            if (d != null) {
                throw new ComponentSliceException("the component slice does not replay: activation " + i
                        + (slice.kernel() ? "" : " (pid " + a.pid() + ")") + ": " + d, true);
            }
            verified++;
        }
        return new int[] {verified, skipped};
    }

    /** Reads a component slice file's content (for kerf replay). */
    public static ComponentSlice read(Slice slice) {
        return ComponentSliceCodec.read(slice);
    }

    private static byte[] program(String name, ReplayBoot boot, String program) {
        List<String> programs = new ArrayList<>();
        for (BootModule m : boot.modules()) {
            byte[] elf = Ustar.find(m.data(), "bin/" + program);
            if (elf != null) return elf;
            programs.addAll(Ustar.list(m.data(), "bin/"));
        }
        throw new ComponentSliceException(name + ": no program " + program + " in the recording's initrd (/bin/" + program
                + "); programs: " + (programs.isEmpty() ? "none" : String.join(", ", programs)) + "; give the program's ELF file with --program FILE");
    }

    /** The spec's address ranges, sorted and merged; {@code what} names a symbol in the no-match error ("kernel symbol"). */
    static long[][] ranges(String name, ComponentSpec spec, ElfSymbols elf, List<String> matched, String what) {
        if (spec.glob() == null) return new long[][] {{spec.lo(), spec.hi()}};
        TreeMap<Long, Long> ranges = new TreeMap<>();
        for (ElfSymbols.Function f : elf.functions()) {
            if (!spec.matches(f.name())) continue;
            matched.add(f.name());
            ranges.merge(f.start(), f.end(), Math::max);
        }
        if (elf.functions().isEmpty()) {
            throw new ComponentSliceException(name + ": no " + what + " matches " + spec.glob() + ": the program has no function"
                    + " symbols (stripped?); give its unstripped build, or an address range PROG:0xLO-0xHI");
        }
        if (matched.isEmpty()) {
            List<String> some = new ArrayList<>();
            for (ElfSymbols.Function f : elf.functions()) if (some.size() < LISTED) some.add(f.name());
            throw new ComponentSliceException(name + ": no " + what + " matches " + spec.glob()
                    + " (static functions the compiler inlined have no symbol); functions it has: " + String.join(", ", some)
                    + (elf.functions().size() > LISTED ? " ... (" + elf.functions().size() + ")" : ""));
        }
        return merge(ranges);
    }

    private static long[][] merge(TreeMap<Long, Long> ranges) {
        List<long[]> out = new ArrayList<>();
        for (Map.Entry<Long, Long> e : ranges.entrySet()) {
            long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && e.getKey() <= last[1]) last[1] = Math.max(last[1], e.getValue());
            else out.add(new long[] {e.getKey(), e.getValue()});
        }
        return out.toArray(long[][]::new);
    }

    /** The program's text of every function executed, plus 16 bytes at each executed address in no sized function. */
    static List<MemoryWrite> code(ElfSymbols elf, List<ElfSymbols.Function> executed, List<Long> looseEips) {
        TreeMap<Long, Long> ranges = new TreeMap<>();
        for (ElfSymbols.Function f : executed) ranges.merge(f.start(), f.end(), Math::max);
        for (long eip : looseEips) ranges.merge(eip, Math.min(eip + 16, 0x1_0000_0000L), Math::max);
        List<MemoryWrite> out = new ArrayList<>();
        for (long[] r : merge(ranges)) out.add(new MemoryWrite((int) r[0], elf.bytesAt(r[0], (int) (r[1] - r[0]))));
        return out;
    }

    static SliceHeader header(Path recording, Recording opened) throws IOException {
        return SliceHeader.of(SliceKind.COMPONENT, opened, String.valueOf(recording.getFileName()), Map.of(), Map.of());
    }
}
