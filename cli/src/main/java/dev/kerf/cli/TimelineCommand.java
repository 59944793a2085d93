package dev.kerf.cli;

import dev.kerf.cli.timeline.TimelineCollector;
import dev.kerf.cli.timeline.TimelineSvg;
import dev.kerf.formats.AtomicFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import dev.kerf.slicer.privacy.Redactor;
import dev.kerf.slicer.privacy.Region;
import dev.kerf.slicer.privacy.SecretSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kerf timeline}: a picture of a recording, which process ran when, with what happened along the way. */
@Command(name = "timeline", mixinStandardHelpOptions = true,
        description = {"Draw a recording's timeline: one row per process (solid where it ran its own code, pale where"
                + " the kernel ran on its behalf) with its system calls, faults and exit, a row of interrupts and the"
                + " console output, on the instruction-count axis. Hover over a mark for its details.", "",
                "Replays the recording with OS introspection (it must verify: exit 16 on a divergence, 18 after writing"
                + " the picture of a cut-short recording; exit 4 when the kernel has no introspection export).", ""})
public final class TimelineCommand implements Callable<Integer> {
    private final HostIo io;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REC", description = "Recording directory or packed file.")
    Path recording;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = "Where to write the picture: FILE.svg (an SVG image), FILE.html (a page holding it), or - (SVG on stdout).")
    String output;

    @CommandLine.Mixin
    SecretOptions secretOptions = new SecretOptions();

    @CommandLine.Mixin
    ProfileOption profile = new ProfileOption();

    public TimelineCommand(HostIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        String lower = output.toLowerCase(Locale.ROOT);
        boolean html = lower.endsWith(".html") || lower.endsWith(".htm");
        if (!output.equals("-") && !html && !lower.endsWith(".svg")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-o must name a .svg or .html file, or - for stdout");
        }
        if (!output.equals("-")) AtomicFile.checkTarget(Path.of(output)); // a link or a directory: refused before the replay
        SecretSet secrets = secretOptions.secrets();
        if (!secrets.excludedProcesses().isEmpty() || secretOptions.allowDivergence()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "timeline takes --secret, --secret-file, --secret-regex and --secret-forms only");
        }
        Redactor redactor = secrets.isEmpty() ? null : new Redactor(secrets);
        java.util.function.Consumer<byte[]> redact = bytes -> { if (redactor != null) redactor.redact(List.of(new Region("timeline", -1, bytes))); };
        TimelineCollector collector = new TimelineCollector(redact);
        LinuxTrace linux = new LinuxTrace(redact); // a Linux recording's calls in strace's spelling, as kerf trace shows them
        IntrospectedReplay replay = IntrospectedReplay.of(recording, profile.choice(), io,
                (cpu, memory, tracker, history) -> {
                    collector.attach(cpu);
                    linux.attachIfLinux(cpu, memory, tracker, history);
                    if (linux.attached()) collector.callsFromElsewhere();
                }, collector);
        if (linux.attached()) {
            for (LinuxTrace.Line l : linux.callLines()) collector.syscall(l.pid(), l.icount(), l.text());
        }
        collector.finish(replay.result().icount());
        String title = "kerf timeline · " + (secrets.isEmpty() ? String.valueOf(recording.getFileName())
                : secrets.redactText(String.valueOf(recording.getFileName())));
        String svg = TimelineSvg.render(collector.timeline(), title);
        byte[] bytes = (html ? page(title, svg) : svg).getBytes(StandardCharsets.UTF_8);
        if (output.equals("-")) {
            OutputStream out = io.out();
            out.write(bytes);
            out.flush();
        } else {
            AtomicFile.write(Path.of(output), bytes);
            io.err().printf("kerf timeline: %d processes, %d interrupts, %d console lines -> %s%n",
                    collector.timeline().lanes().size(), collector.timeline().irqs().size(),
                    collector.timeline().outputs().size(), output);
        }
        replay.endWith(recording);
        return ExitCode.OK.code();
    }

    private static String page(String title, String svg) {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + TimelineSvg.escape(title)
                + "</title></head>\n<body style=\"margin:16px;background:#fff\">\n" + svg + "</body></html>\n";
    }
}
