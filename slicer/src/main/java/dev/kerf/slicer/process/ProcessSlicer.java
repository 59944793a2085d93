package dev.kerf.slicer.process;

import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.introspect.IntrospectionException;
import dev.kerf.emulator.introspect.KerfGuestProfile;
import dev.kerf.emulator.introspect.ProcessListener;
import dev.kerf.emulator.introspect.ProcessTracker;
import dev.kerf.emulator.replay.EventSource;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.emulator.usermode.ProcessSlice;
import dev.kerf.emulator.usermode.UserModeException;
import dev.kerf.emulator.usermode.UserModeReplayer;
import dev.kerf.emulator.usermode.UserReplayResult;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.recording.Recording;

import dev.kerf.formats.recording.Manifest;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceHeader;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.formats.slice.SliceWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Makes a process slice of a recording: replays the recording (verified against its state hashes)
 * with the process tracker and a {@link ProcessCapture}, then replays the slice alone on the
 * user-mode replayer. Only a slice that verifies is returned; every failure is one line
 * ({@link ProcessSliceException}).
 */
public final class ProcessSlicer {
    private ProcessSlicer() {}

    /** As {@link #slice(Path, ProcessSelector, ProcessRedactor)} without redaction. */
    public static ProcessSliceResult slice(Path recording, ProcessSelector selector) throws IOException {
        return slice(recording, selector, 0, Long.MAX_VALUE, s -> {});
    }

    /**
     * Captures the slice, lets {@code redactor} rewrite its regions in place, encodes it as a slice
     * file, reads that file back and replays it: only bytes that verified are returned. With a
     * window {@code [from, to)} (icounts of the recording; 0 and Long.MAX_VALUE for none) the slice
     * starts at the process's first return to user mode at or after {@code from} and ends at
     * {@code to} (in user mode: an end exit there; in the kernel: its last exit, without a return).
     */
    public static ProcessSliceResult slice(Path recording, ProcessSelector selector, long from, long to, ProcessRedactor redactor)
            throws IOException {
        if (from < 0 || to <= from) throw new ProcessSliceException("the window " + from + ".." + to + " is empty or reversed");
        Map<Integer, Set<String>> seen = new TreeMap<>();
        ProcessListener names = new ProcessListener() {
            @Override
            public void created(long icount, int pid, int ppid, String name) {
                seen.computeIfAbsent(pid, p -> new LinkedHashSet<>()).add(name);
            }

            @Override
            public void execed(long icount, int pid, String oldName, String newName) {
                seen.computeIfAbsent(pid, p -> new LinkedHashSet<>()).add(newName);
            }
        };
        ProcessSlice slice;
        ReplayResult r;
        int pid;
        SliceHeader header;
        try (Recording opened = Recording.open(recording);
             JournalReader journal = JournalReader.open(opened.journalDir())) {
            header = header(recording, opened);
            Replayer replayer = new Replayer(ReplayBoot.of(opened), EventSource.of(journal), null);
            KerfGuestProfile profile;
            try {
                profile = KerfGuestProfile.read(replayer.cpu().memory);
            } catch (IntrospectionException e) {
                throw new ProcessSliceException(recording + ": " + e.getMessage());
            }
            ProcessTracker tracker = new ProcessTracker(profile, new GuestMemory(replayer.cpu().memory), names);
            tracker.attach(replayer.cpu().hooks);
            ProcessCapture capture = new ProcessCapture(tracker, selector, replayer.cpu().memory, from, profile::isExecCall);
            replayer.cpu().hooks.add((dev.kerf.emulator.hook.InterruptHook) capture);
            replayer.cpu().hooks.add((dev.kerf.emulator.hook.PrivilegeHook) capture);
            if (to != Long.MAX_VALUE) replayer.stopAt(to);
            r = replayer.run();
            if (r.outcome() == ReplayResult.Outcome.DIVERGED) {
                throw new ProcessSliceException(recording + ": the recording does not replay (" + r.divergence().message() + "); no slice is made");
            }
            tracker.finish(replayer.cpu());
            slice = capture.finish(replayer.cpu());
            pid = capture.pid();
        }
        if (slice == null) throw new ProcessSliceException(notFound(recording, selector, seen, from, to));
        redactor.redact(slice);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("pid", slice.start().pid());
        params.put("name", slice.start().name());
        params.put("userInstructions", slice.userInstructions());
        params.put("exits", (long) slice.transitions().size());
        params.put("recordingInstructions", r.icount());
        if (from != 0 || to != Long.MAX_VALUE) {
            params.put("from", from);
            params.put("to", r.icount());
        }
        header = new SliceHeader(SliceKind.PROCESS, params, header.sourceId(), header.sourceName(), header.ramBytes(),
                header.stateHashEvery(), header.stickyPorts(), header.privacy());
        SliceWriter writer = new SliceWriter(header);
        ProcessSliceCodec.write(slice, writer);
        byte[] bytes = writer.finish();
        Slice file = SliceReader.read(bytes, Path.of(recording.getFileName() + ".kslice"));
        UserReplayResult v = verify(ProcessSliceCodec.read(file));
        return new ProcessSliceResult(slice, note(selector, pid, seen), v, r.icount(), r.outcome() != ReplayResult.Outcome.CUT_SHORT, bytes);
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
        byte[] manifest = Files.readAllBytes(opened.dir().resolve(Recording.MANIFEST));
        String id;
        try {
            id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(manifest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        Manifest m = opened.manifest();
        return new SliceHeader(SliceKind.PROCESS, Map.of(), id, String.valueOf(recording.getFileName()), m.ramBytes(),
                m.stateHashEvery(), m.stickyPorts(), Map.of());
    }

    private static String notFound(Path recording, ProcessSelector selector, Map<Integer, Set<String>> seen, long from, long to) {
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
