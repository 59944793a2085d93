package dev.kerf.cli;

import dev.kerf.emulator.usermode.ProcessSlice;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceHeader;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.formats.slice.SliceWriter;
import dev.kerf.retargeter.syscall.SyscallAbi;
import dev.kerf.retargeter.syscall.SyscallLog;
import dev.kerf.retargeter.syscall.SyscallLogCodec;
import dev.kerf.retargeter.syscall.SyscallReplayResult;
import dev.kerf.retargeter.syscall.SyscallReplayer;
import dev.kerf.retargeter.syscall.SyscallRetargetException;
import dev.kerf.retargeter.syscall.SyscallRetargeter;
import dev.kerf.slicer.SliceFiles;
import dev.kerf.slicer.privacy.CleanFile;
import dev.kerf.slicer.privacy.DerivedPrivacy;
import dev.kerf.slicer.privacy.SecretLeakException;
import dev.kerf.slicer.privacy.SecretSet;
import dev.kerf.slicer.process.ProcessSliceCodec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code kerf retarget SLICE --to syscalls|jvm -o OUT}: moves a process slice up to the level a
 * developer's tools speak (design §8, docs/retargeting.md). The output is written only after it
 * was read back from its own bytes, replayed, and scanned for every {@code --secret}.
 */
@Command(name = "retarget", mixinStandardHelpOptions = true,
        description = {"Turn a process slice into a syscall log (--to syscalls: .ksys, see kerf strace and kerf replay-syscalls)"
                + " or a JVM log (--to jvm: .kjvm, see kerf replay-jvm; the slice must be of a minijvm process: the log holds"
                + " its class files, arguments, every kerf.Sys native call with its result at its bytecode position, and how it"
                + " ended). The result is replayed before it is written; nothing reaches OUT (or stdout for -o -) unless it"
                + " verifies. Exit 0: written; 2: bad command line; 4: not a process slice, not a minijvm process, a --secret"
                + " found, or OUT cannot be written; 12: the slice is damaged; 16: the slice does not replay (nothing written).", ""})
public final class RetargetCommand implements Callable<Integer> {
    /** The levels a slice can be retargeted to. */
    enum Level { syscalls, jvm }

    private final HostIo io;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;


    @Parameters(index = "0", paramLabel = "SLICE", description = "A process slice (kerf slice --process), or - for stdin.")
    String slice;

    @Option(names = "--to", required = true, paramLabel = "LEVEL", description = "syscalls or jvm.")
    Level to;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output file, or - for stdout.")
    String out;

    @Option(names = "--secret", paramLabel = "STRING", description = "Check the finished file for this secret too (final scan);"
            + " repeat for more. The slice's own secrets need not be named again: their fingerprints travel with it.")
    List<String> secrets = new ArrayList<>();

    public RetargetCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        Slice source = SliceFiles.read(slice, io.in(), GlobalOptions.of(spec).stdinLimit());
        return switch (to) {
            case syscalls -> syscalls(source);
            case jvm -> jvm(source);
        };
    }

    // ---- --to jvm: the work is in JvmRetarget ----
    private int jvm(Slice source) throws IOException {
        return JvmRetarget.run(source, out, secrets, io);
    }

    // ---- --to syscalls ----
    private int syscalls(Slice source) throws IOException {
        long started = System.nanoTime();
        if (source.header().kind() != SliceKind.PROCESS) {
            throw new KerfException(ExitCode.BAD_INPUT, source.file() + ": a " + source.header().kind().jsonName()
                    + " slice; --to syscalls needs a process slice (kerf slice --process)");
        }
        ProcessSlice ps = ProcessSliceCodec.read(source);
        Object guest = source.header().parameters().get(SyscallLogCodec.GUEST);
        SyscallAbi abi = guest == null || guest instanceof String ? SyscallAbi.of((String) guest) : null;
        if (abi == null) {
            throw new KerfException(ExitCode.BAD_INPUT, source.file() + ": the slice's guest is " + guest + "; --to syscalls knows kerf and linux");
        }
        DerivedPrivacy privacy = DerivedPrivacy.of(source, secretSet(secrets));
        SyscallLog log;
        try {
            log = SyscallRetargeter.retarget(ps, abi);
        } catch (SyscallRetargetException e) {
            throw new KerfException(ExitCode.DIVERGED, source.file() + ": " + e.getMessage());
        }
        byte[] bytes = encode(log, source.header(), ps.userInstructions(), privacy);
        SyscallReplayResult check = SyscallReplayer.replay(SyscallLogCodec.read(SliceReader.read(bytes, Path.of(out))));
        if (!check.identical()) {
            throw new KerfException(ExitCode.INTERNAL, "the syscall log does not replay, so it is not written: " + check.mismatch().message());
        }
        CleanFile clean = finalScan(bytes, privacy, out);
        SliceFiles.publish(clean, out, io.out());
        io.err().printf("kerf: syscall log of %s (pid %d): %d calls, %d asynchronous effects, ended by %s; verified by replay;"
                        + " %,d bytes (process slice %,d bytes); retargeted in %.2f s%n", Printable.escape(privacy.clean(ps.start().name())), ps.start().pid(),
                log.calls().size(), log.async().size(), Printable.escape(log.end().describe()), bytes.length, source.size(), (System.nanoTime() - started) / 1e9);
        privacyLine(io, privacy);
        io.err().flush();
        return ExitCode.OK.code();
    }

    /** "kerf: privacy: ..." when anything was searched: the --secret values and the fingerprints the slice carried. */
    static void privacyLine(HostIo io, DerivedPrivacy privacy) {
        int named = privacy.secrets().size(), carried = privacy.inherited().entries();
        if (named == 0 && carried == 0) return;
        List<String> what = new ArrayList<>();
        if (named > 0) what.add(named + " --secret");
        if (carried > 0) what.add(privacy.carried().secrets() + " secrets of the slice by their " + carried + " fingerprints");
        io.err().printf("kerf: privacy: final scan of the file for %s: 0 hits%n", String.join(" and ", what));
    }

    /** The --secret values as a set; an empty one is a usage error. */
    static SecretSet secretSet(List<String> values) {
        SecretSet set = new SecretSet();
        for (String s : values) {
            if (s.isEmpty()) throw new KerfException(ExitCode.USAGE, "--secret needs a non-empty value");
            set.addLiteral(s);
        }
        return set;
    }

    private static byte[] encode(SyscallLog log, SliceHeader from, long userInstructions, DerivedPrivacy privacy) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("pid", (long) log.image().pid());
        params.put("name", privacy.clean(log.image().name()));
        params.put("calls", (long) log.calls().size());
        params.put("asyncEffects", (long) log.async().size());
        params.put("end", log.end().kind().name().toLowerCase(java.util.Locale.ROOT));
        params.put("userInstructions", userInstructions);
        if (log.abi() != SyscallAbi.KERF) params.put(SyscallLogCodec.GUEST, log.abi().guest()); // absent: the example OS
        SliceHeader h = new SliceHeader(SliceKind.SYSCALLS, params, from.sourceId(), privacy.clean(from.sourceName()), from.ramBytes(),
                from.stateHashEvery(), from.stickyPorts(), privacy.manifest());
        SliceWriter w = new SliceWriter(h);
        SyscallLogCodec.write(log, w);
        for (byte[] f : privacy.sections()) w.add(SectionType.FINGERPRINTS, f);
        return w.finish();
    }

    /**
     * The last gate: the finished bytes, raw and section by section, hold none of the --secret
     * values and none of the secrets whose fingerprints the slice carried (a secret the process
     * computed at run time from pieces the slice held apart shows up here first).
     */
    static CleanFile finalScan(byte[] file, DerivedPrivacy privacy, String out) throws IOException {
        try {
            return privacy.check(file, SliceReader.read(file, Path.of(out)));
        } catch (SecretLeakException e) {
            throw new KerfException(ExitCode.BAD_INPUT, e.getMessage() + " (remove it when slicing: kerf slice --secret, or"
                    + " --exclude-process the process it comes from)");
        }
    }
}
