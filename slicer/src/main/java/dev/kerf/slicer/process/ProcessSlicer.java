package dev.kerf.slicer.process;

import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.introspect.IntrospectionException;
import dev.kerf.emulator.introspect.GuestProfile;
import dev.kerf.emulator.introspect.ProfileSource;
import dev.kerf.emulator.introspect.ProcessListener;
import dev.kerf.emulator.introspect.ProcessTracker;
import dev.kerf.emulator.replay.EventSource;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.emulator.usermode.ProcessImage;
import dev.kerf.emulator.usermode.ProcessSlice;
import dev.kerf.emulator.usermode.UserModeException;
import dev.kerf.emulator.usermode.UserModeReplayer;
import dev.kerf.emulator.usermode.UserReplayResult;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.recording.Recording;

import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceHeader;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.formats.slice.SliceWriter;

import dev.kerf.emulator.hook.InterruptHook;
import dev.kerf.emulator.hook.PrivilegeHook;
import dev.kerf.slicer.time.TimeSliceReplay;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Makes a process slice of a recording: replays the recording (verified against its state hashes)
 * with the process tracker and a {@link ProcessCapture}, then replays the slice alone on the
 * user-mode replayer. Only a slice that verifies is returned; every failure is one line
 * ({@link ProcessSliceException}).
 */
public final class ProcessSlicer {
    private ProcessSlicer() {}

    /** The example OS's whole recording, without redaction. */
    public static ProcessSliceResult slice(Path recording, ProcessSelector selector) throws IOException {
        return slice(recording, ProfileSource.KERF_EXPORT, selector, 0, Long.MAX_VALUE, ProcessRedactor.NONE);
    }

    /** A recording of the example OS (its introspection export names the processes). */
    public static ProcessSliceResult slice(Path recording, ProcessSelector selector, long from, long to, ProcessRedactor redactor)
            throws IOException {
        return slice(recording, ProfileSource.KERF_EXPORT, selector, from, to, redactor);
    }

    /**
     * Captures the slice, lets {@code redactor} rewrite its regions in place, encodes it as a slice
     * file, reads that file back and replays it: only bytes that verified are returned. With a
     * window {@code [from, to)} (icounts of the recording; 0 and Long.MAX_VALUE for none) the slice
     * starts at the process's first return to user mode at or after {@code from} and ends at
     * {@code to} (in user mode: an end exit there; in the kernel: its last exit, without a return).
     */
    public static ProcessSliceResult slice(Path recording, ProfileSource profile, ProcessSelector selector, long from, long to,
                                           ProcessRedactor redactor) throws IOException {
        checkWindow(from, to);
        Names names = new Names();
        Captured c;
        SliceHeader source;
        try (Recording opened = Recording.open(recording);
             JournalReader journal = JournalReader.open(opened.journalDir())) {
            source = header(recording, opened);
            Replayer replayer = new Replayer(ReplayBoot.of(opened), EventSource.of(journal), null);
            if (to != Long.MAX_VALUE) replayer.stopAt(to);
            c = capture(recording.toString(), replayer, replayer::run, profile, selector, from, names);
        }
        return finish(recording.getFileName().toString(), c, source, selector, from, to, names, redactor);
    }

    /**
     * The process slice of a time slice (stages stack): the time slice is replayed (every state
     * hash in its window checked, and its final hash when the window is not narrowed by {@code to})
     * with the capture attached. The window is clamped to the time slice's.
     */
    public static ProcessSliceResult slice(Slice timeSlice, ProcessSelector selector, long from, long to, ProcessRedactor redactor)
            throws IOException {
        return slice(timeSlice, ProfileSource.KERF_EXPORT, selector, from, to, redactor);
    }

    /** As above, the guest introspected through {@code profile}. */
    public static ProcessSliceResult slice(Slice timeSlice, ProfileSource profile, ProcessSelector selector, long from, long to,
                                           ProcessRedactor redactor) throws IOException {
        checkWindow(from, to);
        TimeSliceReplay t = TimeSliceReplay.open(timeSlice, null);
        long lo = Math.max(from, t.from()), hi = Math.min(to, t.to());
        if (hi <= lo) {
            throw new ProcessSliceException("the window " + from + ".." + to + " does not meet the time slice's window " + t.from() + ".." + t.to());
        }
        Names names = new Names();
        Replayer replayer = t.replayer();
        if (hi < t.to()) replayer.stopAt(hi);
        Captured c = capture(timeSlice.file().toString(), replayer, hi < t.to() ? replayer::run : t::run, profile, selector, lo, names);
        SliceHeader h = timeSlice.header();
        return finish(String.valueOf(timeSlice.file().getFileName()), c, h.withPrivacy(Map.of()), selector, lo, hi, names, redactor);
    }

    private static void checkWindow(long from, long to) {
        if (from < 0 || to <= from) throw new ProcessSliceException("the window " + from + ".." + to + " is empty or reversed");
    }

    /** Every pid seen, with every name it had (for errors and notes). */
    private static final class Names implements ProcessListener {
        final Map<Integer, Set<String>> seen = new TreeMap<>();

        @Override
        public void created(long icount, int pid, int ppid, String name) {
            seen.computeIfAbsent(pid, p -> new LinkedHashSet<>()).add(name);
        }

        @Override
        public void execed(long icount, int pid, String oldName, String newName) {
            seen.computeIfAbsent(pid, p -> new LinkedHashSet<>()).add(newName);
        }
    }

    /** What one replay with the capture attached gave: the slice (null: the process never ran in user mode), how it ended, the pid. */
    private record Captured(ProcessSlice slice, ReplayResult result, int pid, byte[] received, String guest) {}

    private static Captured capture(String source, Replayer replayer, Supplier<ReplayResult> run, ProfileSource profiles,
                                    ProcessSelector selector, long from, Names names) {
        GuestProfile profile;
        try {
            profile = profiles.open(replayer.cpu().memory);
        } catch (IntrospectionException e) {
            throw new ProcessSliceException(source + ": " + e.getMessage());
        }
        ProcessTracker tracker = new ProcessTracker(profile, new GuestMemory(replayer.cpu().memory), names);
        tracker.attach(replayer.cpu().hooks);
        ProcessCapture capture = new ProcessCapture(tracker, selector, replayer.cpu().memory, from, profile::isExecCall,
                profile);
        replayer.cpu().hooks.add((InterruptHook) capture);
        replayer.cpu().hooks.add((PrivilegeHook) capture);
        ReplayResult r = run.get();
        if (r.outcome() == ReplayResult.Outcome.DIVERGED) {
            throw new ProcessSliceException(source + ": it does not replay (" + r.divergence().message() + "); no slice is made");
        }
        tracker.finish(replayer.cpu());
        return new Captured(capture.finish(replayer.cpu()), r, capture.pid(), capture.received(), profile.guest());
    }

    private static ProcessSliceResult finish(String sourceName, Captured c, SliceHeader source, ProcessSelector selector, long from,
                                             long to, Names names, ProcessRedactor redactor) throws IOException {
        ProcessSlice slice = c.slice();
        ReplayResult r = c.result();
        if (slice == null) throw new ProcessSliceException(notFound(sourceName, selector, names.seen, from, to));
        Map<String, Object> privacy = redactor.redact(slice);
        // a secret in a name costs the name, not the slice: the image's name, the parameter and the source's name
        ProcessImage im = slice.start();
        slice = new ProcessSlice(im.withName(redactor.clean(im.name())), slice.transitions());
        source = source.withSourceName(redactor.clean(source.sourceName()));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("pid", slice.start().pid());
        params.put("name", slice.start().name());
        params.put("userInstructions", slice.userInstructions());
        params.put("exits", (long) slice.transitions().size());
        params.put("recordingInstructions", r.icount());
        if (!c.guest().equals("kerf")) params.put("guest", c.guest()); // absent: the example OS (slices before the parameter)
        if (from != 0 || to != Long.MAX_VALUE) {
            params.put("from", from);
            params.put("to", r.icount());
        }
        byte[] bytes = encode(slice, params, source, privacy, redactor);
        Slice file = SliceReader.read(bytes, Path.of(sourceName + ".kslice"));
        UserReplayResult v;
        try {
            v = verify(ProcessSliceCodec.read(file));
        } catch (ProcessSliceException e) {
            if (!redactor.allowsDivergence()) throw e;
            // --allow-divergence: written all the same, its manifest saying where it diverges
            String point = e.getMessage();
            try {
                v = new UserModeReplayer(ProcessSliceCodec.read(file)).run();
                if (!v.verified()) point = v.divergence().message();
            } catch (UserModeException cannotRun) {
                v = null;
            }
            bytes = encode(slice, params, source, redactor.diverged(point), redactor);
        }
        return new ProcessSliceResult(slice, note(selector, c.pid(), names.seen), v, r.icount(),
                r.outcome() != ReplayResult.Outcome.CUT_SHORT, bytes, c.received());
    }

    private static byte[] encode(ProcessSlice slice, Map<String, Object> params, SliceHeader source, Map<String, Object> privacy,
                                 ProcessRedactor redactor) throws IOException {
        SliceHeader header = new SliceHeader(SliceKind.PROCESS, params, source.sourceId(), source.sourceName(), source.ramBytes(),
                source.stateHashEvery(), source.stickyPorts(), privacy);
        SliceWriter writer = new SliceWriter(header);
        ProcessSliceCodec.write(slice, writer);
        for (byte[] f : redactor.fingerprintSections()) writer.add(SectionType.FINGERPRINTS, f);
        return writer.finish();
    }

    /** Replays a process slice; a divergence or a slice that cannot run is a {@link ProcessSliceException}. */
    public static UserReplayResult verify(ProcessSlice slice) {
        UserReplayResult v;
        try {
            v = new UserModeReplayer(slice).run();
        } catch (UserModeException e) {
            throw new ProcessSliceException("the process slice does not replay: " + e.getMessage());
        }
        if (!v.verified()) throw new ProcessSliceException("the process slice does not replay: " + v.divergence().message());
        return v;
    }

    private static SliceHeader header(Path recording, Recording opened) throws IOException {
        return SliceHeader.of(SliceKind.PROCESS, opened, String.valueOf(recording.getFileName()), Map.of(), Map.of());
    }

    private static String notFound(String recording, ProcessSelector selector, Map<Integer, Set<String>> seen, long from, long to) {
        List<String> pids = new ArrayList<>();
        boolean known = false;
        for (Map.Entry<Integer, Set<String>> e : seen.entrySet()) {
            pids.add(e.getKey() + " " + String.join("/", e.getValue()));
            known |= selector.name() == null ? e.getKey() == selector.pid() : e.getValue().contains(selector.name());
        }
        String where = from == 0 && to == Long.MAX_VALUE ? "in the recording" : "in the window " + from + ".." + to;
        if (known) return recording + ": process " + selector + " ran no user-mode instruction " + where + "; nothing to slice";
        return recording + ": no process " + selector + " in the recording; pids seen: " + String.join(", ", pids);
    }

    private static String note(ProcessSelector selector, int pid, Map<Integer, Set<String>> seen) {
        if (selector.name() == null) return null;
        List<Integer> others = new ArrayList<>();
        for (Map.Entry<Integer, Set<String>> e : seen.entrySet()) {
            if (e.getKey() != pid && e.getValue().contains(selector.name())) others.add(e.getKey());
        }
        if (others.isEmpty()) return null;
        return "several processes were named " + selector.name() + "; sliced the first, pid " + pid + " (others: pids "
                + others.toString().replaceAll("[\\[\\]]", "") + "; use --process PID for another)";
    }
}
