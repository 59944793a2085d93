package dev.kerf.cli;

import dev.kerf.emulator.cpu.CpuState;
import dev.kerf.emulator.introspect.linux.Kallsyms;
import dev.kerf.emulator.introspect.linux.KallsymsException;
import dev.kerf.emulator.introspect.linux.KallsymsLayout;
import dev.kerf.emulator.introspect.linux.KernelBanner;
import dev.kerf.emulator.introspect.linux.LinuxSymbols;
import dev.kerf.emulator.introspect.linux.PageTableWalk;
import dev.kerf.emulator.introspect.IntrospectionException;
import dev.kerf.emulator.introspect.linux.LinuxProfileFile;
import dev.kerf.emulator.session.GuestProfiles;
import dev.kerf.emulator.snapshot.CpuStateCodec;
import dev.kerf.formats.recording.Manifest;
import dev.kerf.formats.recording.Recording;
import dev.kerf.formats.snapshot.SnapshotData;
import dev.kerf.formats.snapshot.SnapshotFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/** {@code kerf profile}: what kerf finds out about a Linux guest kernel from its memory alone. */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = {"Show what kerf learns about a Linux guest kernel from its memory alone: its version banner and its"
                + " own symbol table (kallsyms), found and decoded in RAM (no System.map or debug package needed):"
                + " symbol count, kernel text, KASLR slide; --symbols lists every symbol.", "",
                "FILE is a booted snapshot (.ksnap) or a recording that starts from one (its start image is read)."
                + " Exit 4 when the guest has no symbol table kerf can decode (one line saying why), 12 for a damaged"
                + " file.", ""})
public final class ProfileCommand implements Callable<Integer> {
    private static final int CR0_PG = 0x8000_0000;

    private final HostIo io;

    @Parameters(index = "0", paramLabel = "FILE", description = "Booted snapshot (.ksnap), or a recording (directory or packed file) made from one.")
    Path file;

    @Option(names = "--symbols", description = "Also list every symbol: address (8 hex digits), nm type letter, name, in address order.")
    boolean symbols;

    @Option(names = "--json", description = "One JSON object instead of text.")
    boolean json;

    @Option(names = "--save", paramLabel = "F.kprofile",
            description = "For a recording: write the task layout inferred from it to F.kprofile, to give to other recordings of"
                    + " the same kernel with --profile F.kprofile (docs/linux.md, \"Choosing the profile\").")
    Path save;

    public ProfileCommand(HostIo io) {
        this.io = io;
    }

    /** The RAM and CPU state profiled. */
    private record Machine(SnapshotData data, CpuState cpu) {}

    @Override
    public Integer call() throws IOException {
        boolean recording = !SliceInput.isSnapshot(file);
        if (save != null && !recording) {
            throw new KerfException(ExitCode.USAGE, file + ": a snapshot shows no system calls to infer the task layout from:"
                    + " --save needs a recording (kerf record --from " + file.getFileName() + ")");
        }
        if (save != null) dev.kerf.formats.AtomicFile.checkTarget(save);
        Machine m = load();
        LinuxSymbols syms;
        try {
            syms = Kallsyms.decode(m.data().ram());
        } catch (KallsymsException e) {
            throw new KerfException(ExitCode.BAD_INPUT, file + ": " + e.getMessage());
        }
        Optional<String> banner = KernelBanner.find(m.data().ram());
        GuestProfiles.Resolved tasks = null;
        String tasksProblem = null;
        if (recording) {
            try {
                tasks = GuestProfiles.resolve(file, new GuestProfiles.Choice.Linux());
            } catch (IntrospectionException e) {
                if (save != null) throw new KerfException(ExitCode.BAD_INPUT, e.getMessage() + "; nothing saved");
                tasksProblem = e.getMessage();
            }
        }
        PrintStream out = new PrintStream(io.out(), false, StandardCharsets.UTF_8);
        out.print(json ? json(m, syms, banner, tasks, tasksProblem) : text(m, syms, banner, tasks, tasksProblem));
        out.flush();
        if (save != null) {
            OptionalLong text = syms.address("_text");
            new LinuxProfileFile(banner.orElse(null), text.isPresent() ? text.getAsLong() : null, tasks.layout()).write(save);
            io.err().println("kerf profile: task layout saved to " + save);
        }
        return ExitCode.OK.code();
    }

    private Machine load() throws IOException {
        if (SliceInput.isSnapshot(file)) {
            SnapshotData d = SnapshotFile.read(file);
            return new Machine(d, new CpuStateCodec().decode(d.cpu(), file, SnapshotFile.cpuDataOffset(d)));
        }
        try (Recording rec = Recording.open(file)) {
            Manifest.ImageRef start = rec.manifest().start();
            if (start == null) {
                throw new KerfException(ExitCode.BAD_INPUT, file + ": the recording boots its kernel from the first instruction;"
                        + " kerf profile reads a booted snapshot or a recording made from one (kerf record --from F.ksnap)");
            }
            Path image = rec.dir().resolve(Recording.IMAGES).resolve(start.sha256());
            SnapshotData d = SnapshotFile.decode(image, rec.image(start.sha256()));
            return new Machine(d, new CpuStateCodec().decode(d.cpu(), image, SnapshotFile.cpuDataOffset(d)));
        }
    }

    /** The physical address of kernel virtual address {@code va} through the snapshot's page tables, or -1. */
    private static long physical(Machine m, long va) {
        int[] control = m.cpu().control();
        if ((control[0] & CR0_PG) == 0) return -1;
        return PageTableWalk.physical(m.data().ram(), control[2], va);
    }

    private String text(Machine m, LinuxSymbols s, Optional<String> banner, GuestProfiles.Resolved tasks, String tasksProblem) {
        StringBuilder b = new StringBuilder();
        line(b, "file", file.toString());
        line(b, "kernel", banner.orElse("no \"Linux version\" banner in RAM"));
        KallsymsLayout l = s.layout();
        line(b, "symbols", String.format("%d, from the kernel's kallsyms at physical 0x%x (%s)", s.count(), l.names(),
                l.baseRelative() ? String.format("offsets from 0x%08x", l.relativeBase()) : "absolute addresses"));
        Optional<LinuxSymbols.Range> text = s.text();
        line(b, "text", text.map(r -> String.format("%08x-%08x (_stext to _etext, %d bytes)%s", r.start(), r.end(),
                r.end() - r.start(), where(m, r.start()))).orElse("unknown (no _stext and _etext in the table)"));
        s.initText().ifPresent(r -> line(b, "init text", String.format("%08x-%08x (_sinittext to _einittext, freed after the boot)",
                r.start(), r.end())));
        OptionalLong slide = s.kaslrSlide();
        line(b, "kaslr slide", slide.isPresent()
                ? String.format("%s (_text at %08x; link address %08x assumed)", signedHex(slide.getAsLong()),
                        s.address("_text").getAsLong(), LinuxSymbols.DEFAULT_TEXT)
                : "unknown (no _text in the table)");
        if (tasks != null) {
            line(b, "tasks", tasks.how());
            for (String fact : tasks.layout().describe().split("\n")) b.append("  ").append(fact).append('\n');
        }
        if (tasksProblem != null) line(b, "tasks", "not inferred: " + tasksProblem);
        if (symbols) for (LinuxSymbols.Symbol sym : s.symbols()) b.append(Printable.escape(sym.toString())).append('\n');
        return b.toString();
    }

    /** {@code , physical 0x5000000} when the page tables map {@code va}. */
    private static String where(Machine m, long va) {
        long pa = physical(m, va);
        return pa < 0 ? "" : String.format(", at physical 0x%x", pa);
    }

    private static String signedHex(long v) {
        return v < 0 ? "-0x" + Long.toHexString(-v) : "0x" + Long.toHexString(v);
    }

    private String json(Machine m, LinuxSymbols s, Optional<String> banner, GuestProfiles.Resolved tasks, String tasksProblem) {
        KallsymsLayout l = s.layout();
        StringBuilder b = new StringBuilder("{\"file\":").append(JsonText.str(file.toString()))
                .append(",\"banner\":").append(JsonText.str(banner.orElse(null)))
                .append(",\"symbolCount\":").append(s.count())
                .append(",\"kallsymsAt\":{\"numSyms\":").append(l.numSyms()).append(",\"names\":").append(l.names()).append(",\"markers\":").append(l.markers())
                .append(",\"seqsOfNames\":").append(l.seqsOfNames() < 0 ? "null" : Long.toString(l.seqsOfNames()))
                .append(",\"tokenTable\":").append(l.tokenTable()).append(",\"tokenIndex\":").append(l.tokenIndex())
                .append(",\"addresses\":").append(l.addresses()).append(",\"baseRelative\":").append(l.baseRelative())
                .append(",\"relativeBase\":").append(l.relativeBase()).append('}');
        Optional<LinuxSymbols.Range> text = s.text();
        b.append(",\"text\":");
        if (text.isEmpty()) b.append("null");
        else {
            long pa = physical(m, text.get().start());
            b.append("{\"start\":").append(text.get().start()).append(",\"end\":").append(text.get().end())
                    .append(",\"physical\":").append(pa < 0 ? "null" : Long.toString(pa)).append('}');
        }
        b.append(",\"initText\":").append(s.initText().map(r -> "{\"start\":" + r.start() + ",\"end\":" + r.end() + "}").orElse("null"));
        OptionalLong slide = s.kaslrSlide();
        b.append(",\"kaslrSlide\":").append(slide.isPresent() ? Long.toString(slide.getAsLong()) : "null");
        if (tasks != null) {
            b.append(",\"tasks\":{\"how\":").append(JsonText.str(tasks.how())).append(",\"layout\":")
                    .append(LinuxProfileFile.layoutJson(tasks.layout()))
                    .append(",\"inferenceInstructions\":").append(tasks.inferenceInstructions()).append('}');
        }
        if (tasksProblem != null) b.append(",\"tasks\":{\"problem\":").append(JsonText.str(tasksProblem)).append('}');
        if (symbols) {
            b.append(",\"symbols\":[");
            for (int i = 0; i < s.count(); i++) {
                LinuxSymbols.Symbol sym = s.get(i);
                b.append(i == 0 ? "" : ",").append("{\"address\":").append(sym.address()).append(",\"type\":\"")
                        .append(sym.type()).append("\",\"name\":").append(JsonText.str(sym.name())).append('}');
            }
            b.append(']');
        }
        return b.append("}\n").toString();
    }

    private static void line(StringBuilder b, String label, String value) {
        b.append(String.format("%-14s %s%n", label + ":", Printable.escape(value))); // values quote the file and guest memory
    }
}
