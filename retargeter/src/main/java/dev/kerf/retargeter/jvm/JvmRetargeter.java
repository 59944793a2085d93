package dev.kerf.retargeter.jvm;

import dev.kerf.emulator.usermode.ProcessSlice;
import dev.kerf.emulator.usermode.UserModeException;
import dev.kerf.emulator.usermode.UserModeReplayer;
import dev.kerf.emulator.usermode.UserReplayResult;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceHeader;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.formats.slice.SliceWriter;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.slicer.privacy.DerivedPrivacy;
import dev.kerf.slicer.privacy.CleanFile;
import dev.kerf.slicer.privacy.SecretLeakException;
import dev.kerf.slicer.privacy.SecretSet;
import dev.kerf.slicer.process.ProcessSliceCodec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a process slice of a minijvm process into a JVM log (design §8, docs/retargeting.md):
 * finds minijvm's export in the initial image, replays the slice on the user-mode machine with
 * instruction hooks on the export's four hook functions, reads each class, native call, uncaught
 * exception and exit from the machine's memory as it happens, and requires the slice to replay to
 * its end (a log read from a replay that diverged would be a guess). The file holds only the
 * program's invocation, its class files and its native calls' data; its privacy manifest says so.
 */
public final class JvmRetargeter {
    private JvmRetargeter() {}

    /**
     * @param source  a process slice as read
     * @param secrets secrets the final scan searches the finished file for (may be empty: the
     *                source slice's own secrets were removed when it was cut)
     * @param outName the output's name, for errors about the new file
     */
    public static JvmRetargetResult retarget(Slice source, SecretSet secrets, Path outName) throws IOException {
        return retarget(source, DerivedPrivacy.of(source, secrets), outName);
    }

    /**
     * As {@link #retarget(Slice, SecretSet, Path)}: {@code privacy} says what the final scan searches
     * for (the --secret values, and the secrets the slice carries as fingerprints).
     */
    public static JvmRetargetResult retarget(Slice source, DerivedPrivacy privacy, Path outName) throws IOException {
        if (source.header().kind() != SliceKind.PROCESS) {
            throw new JvmRetargetException(source.file() + ": a " + source.header().kind().jsonName()
                    + " slice; --to jvm needs a process slice (kerf slice REC --process NAME)");
        }
        ProcessSlice slice = ProcessSliceCodec.read(source);
        String who = source.file() + ": process " + slice.start().name() + " (pid " + slice.start().pid() + ")";
        InitialImage image = new InitialImage(slice.start());
        JvmExport export = JvmExport.find(image, who);
        ProgramInvocation inv = ProgramInvocation.read(image, ProgramInvocation.esp(slice.start().registers()), who);
        JvmHookCapture capture = new JvmHookCapture(export);
        UserModeReplayer replayer = new UserModeReplayer(slice);
        replayer.cpu().hooks.add(capture);
        UserReplayResult r;
        try {
            r = replayer.run();
        } catch (UserModeException e) {
            throw new JvmRetargetException(who + ": the process slice does not replay: " + e.getMessage(), true);
        }
        if (!r.verified()) throw new JvmRetargetException(who + ": the process slice does not replay: " + r.divergence().message(), true);
        if (capture.classes.isEmpty()) throw new JvmRetargetException(who + ": minijvm loaded no class in this slice");
        long[] digest = JvmLog.outputDigest(capture.natives, capture.uncaught);
        JvmLog log = new JvmLog(inv.mainClass(), inv.args(), capture.classes, capture.natives,
                new JvmOutcome(capture.exitStatus, capture.uncaught, digest[0], (int) digest[1]));
        CleanFile file = encode(log, source, slice, privacy);
        return new JvmRetargetResult(file, log, r.userInstructions(), source.size());
    }

    private static CleanFile encode(JvmLog log, Slice source, ProcessSlice slice, DerivedPrivacy privacy) throws IOException {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("pid", slice.start().pid());
        params.put("name", privacy.clean(slice.start().name()));
        params.put("mainClass", privacy.clean(log.mainClass()));
        params.put("classes", (long) log.classes().size());
        params.put("nativeCalls", (long) log.natives().size());
        params.put("exitStatus", (long) log.outcome().exitStatus());
        SliceHeader h = source.header();
        Map<String, Object> manifest = JvmPrivacy.manifest(log, h.privacy(), source.file(), privacy);
        SliceHeader header = new SliceHeader(SliceKind.JVM, params, h.sourceId(), privacy.clean(h.sourceName()), h.ramBytes(),
                h.stateHashEvery(), h.stickyPorts(), manifest);
        SliceWriter w = new SliceWriter(header);
        JvmLogCodec.write(log, w);
        for (byte[] f : privacy.sections()) w.add(SectionType.FINGERPRINTS, f);
        byte[] bytes = w.finish();
        Path name = Path.of(header.sourceName() + ".kjvm");
        Slice back = SliceReader.read(bytes, name);
        JvmLogCodec.read(back);
        try {
            return privacy.check(bytes, back);
        } catch (SecretLeakException e) {
            throw new JvmRetargetException("the JVM log is not written: " + e.getMessage());
        }
    }

    /** For tests and tools: a JVM log file for {@code log}, with a manifest of what it contains and nothing carried over. */
    public static byte[] encode(JvmLog log, SliceHeader template) {
        Map<String, Object> privacy = JvmPrivacy.manifest(log, Map.of(), Path.of("<none>"), null);
        SliceHeader header = new SliceHeader(SliceKind.JVM, Map.of("mainClass", log.mainClass()), template.sourceId(),
                template.sourceName(), template.ramBytes(), template.stateHashEvery(), template.stickyPorts(), privacy);
        SliceWriter w = new SliceWriter(header);
        JvmLogCodec.write(log, w);
        return w.finish();
    }

}
