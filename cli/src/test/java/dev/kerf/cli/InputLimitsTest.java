package dev.kerf.cli;

import dev.kerf.emulator.usermode.PageMapping;
import dev.kerf.emulator.usermode.PageRun;
import dev.kerf.emulator.usermode.ProcessImage;
import dev.kerf.emulator.usermode.ProcessSlice;
import dev.kerf.emulator.usermode.Transition;
import dev.kerf.emulator.usermode.UserExit;
import dev.kerf.emulator.usermode.UserRegisters;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.SliceHeader;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.formats.slice.SliceWriter;
import dev.kerf.retargeter.syscall.ProcessEnd;
import dev.kerf.retargeter.syscall.SyscallLog;
import dev.kerf.retargeter.syscall.SyscallLogCodec;
import dev.kerf.slicer.process.ProcessSliceCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Memory sized by the input (issue 13): special files and directories are refused by name before
 * anything is read, length fields are not trusted beyond the bytes present, guest memory that the
 * heap cannot hold is refused before it is allocated, and an OutOfMemoryError that still happens
 * is one line. Every case: one line, the documented exit code, no stack trace.
 */
class InputLimitsTest {
    private static final Path DEV_ZERO = Path.of("/dev/zero");

    @TempDir
    Path tmp;

    private static void assertOneLine(Cli.Outcome r, ExitCode code, String... fragments) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(code.code());
        assertThat(r.err()).startsWith("kerf: ").doesNotContain("Exception").doesNotContain("Error").doesNotContain("\tat ");
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        for (String f : fragments) assertThat(r.err()).contains(f);
    }

    @Test
    void devZeroAsKernelModuleDiskOrCaptureIsRefusedByName() throws Exception {
        String hello = Examples.hello("hello.elf").toString();
        assertOneLine(Cli.run("", "run", DEV_ZERO.toString()), ExitCode.BAD_INPUT, "kerf: /dev/zero: not a regular file");
        assertOneLine(Cli.run("", "run", hello, "--module", "/dev/zero"), ExitCode.BAD_INPUT, "kerf: /dev/zero: not a regular file");
        assertOneLine(Cli.run("", "run", hello, "--disk", "/dev/zero"), ExitCode.BAD_INPUT, "kerf: /dev/zero: not a regular file");
        assertOneLine(Cli.run("", "run", hello, "--net-in", "/dev/zero"), ExitCode.BAD_INPUT, "kerf: /dev/zero: not a regular file");
        Path rec = tmp.resolve("r.kerf");
        assertOneLine(Cli.run("", "record", "-o", rec.toString(), "/dev/zero"), ExitCode.BAD_INPUT, "/dev/zero: not a regular file");
        assertOneLine(Cli.run("", "record", "-o", rec.toString(), hello, "--module", "/dev/zero"), ExitCode.BAD_INPUT,
                "/dev/zero: not a regular file");
        assertThat(rec).doesNotExist();
    }

    @Test
    void aDirectoryAsKernelOrModuleIsRefusedByName() throws Exception {
        String hello = Examples.hello("hello.elf").toString();
        assertOneLine(Cli.run("", "run", tmp.toString()), ExitCode.BAD_INPUT, tmp + ": is a directory, not a kernel file");
        assertOneLine(Cli.run("", "run", hello, "--module", tmp.toString()), ExitCode.BAD_INPUT, tmp + ": is a directory, not a module file");
        assertOneLine(Cli.run("", "run", hello, "--disk", tmp.toString()), ExitCode.BAD_INPUT, tmp + ": is a directory");
    }

    @Test
    void devZeroOrADirectoryAsAKerfFileIsRefusedByName() {
        for (String verb : List.of("replay", "info")) {
            assertOneLine(Cli.run("", verb, "/dev/zero"), ExitCode.BAD_RECORDING, "/dev/zero: not a regular file");
        }
        for (String verb : List.of("strace", "replay-syscalls", "replay-jvm")) {
            assertOneLine(Cli.run("", verb, "/dev/zero"), ExitCode.BAD_RECORDING, "/dev/zero: not a regular file");
            assertOneLine(Cli.run("", verb, tmp.toString()), ExitCode.BAD_RECORDING, tmp + ": is a directory");
        }
        assertOneLine(Cli.run("", "unpack", "/dev/zero", "-o", tmp.resolve("u").toString()), ExitCode.BAD_RECORDING,
                "/dev/zero: not a regular file");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void anEndlessStreamOfZerosOnStdinIsRefusedAfterItsFirstBytes() {
        InputStream zeros = new InputStream() {
            @Override
            public int read() {
                return 0;
            }
        };
        StringWriter err = new StringWriter();
        HostIo io = new HostIo(zeros, new ByteArrayOutputStream(), new PrintWriter(err, true), false);
        for (String verb : List.of("replay", "strace", "info")) {
            Cli.Outcome r = new Cli.Outcome(Kerf.commandLine(io).execute(verb, "-"), "", err.toString());
            assertOneLine(r, ExitCode.BAD_RECORDING, "kerf: <stdin> at offset 0x0: not a kerf slice (bad magic)");
            err.getBuffer().setLength(0);
        }
    }

    @Test
    void devZeroOrADirectoryAsBinaryIsRefusedByName() throws Exception {
        Path log = syscallLog();
        assertOneLine(Cli.run("", "replay-syscalls", log.toString(), "--binary", "/dev/zero"), ExitCode.BAD_INPUT,
                "kerf: /dev/zero: not a regular file");
        assertOneLine(Cli.run("", "replay-syscalls", log.toString(), "--binary", tmp.toString()), ExitCode.BAD_INPUT,
                tmp + ": is a directory");
    }

    @Test
    void aSecretFileIsReadUpToItsLimitOnly() throws Exception {
        // a pipe is a fine secret file, so /dev/zero is not refused by name: reading stops at the limit
        Cli.Outcome r = Cli.run("", "slice", tmp.resolve("none.kerf").toString(), "--process", "1", "--secret-file", "/dev/zero",
                "-o", tmp.resolve("x.kslice").toString());
        assertOneLine(r, ExitCode.BAD_INPUT, "/dev/zero: a secret file of over 16 MiB is not a list of secrets");
    }

    @Test
    void anElfWhoseSegmentsSpanAGibibyteIsRefusedBeforeItsPagesAreListed() throws Exception {
        Path log = syscallLog();
        Path elf = Files.write(tmp.resolve("huge-bss"), elf(0x100, 0x40000000L, 1, 0x34));
        Cli.Outcome r = Cli.run("", "replay-syscalls", log.toString(), "--binary", elf.toString());
        assertOneLine(r, ExitCode.BAD_INPUT,
                "huge-bss: its PT_LOAD segments span 262,144 pages (1,024 MiB); a rebuilt program may load at most 256 MiB");
        assertThat(r.err()).as("the file named once").doesNotContain(elf + ": " + elf);
    }

    @Test
    void anElfWithAHugeFileSizeOrTooManyProgramHeadersIsRefused() throws Exception {
        Path log = syscallLog();
        Path bigFile = Files.write(tmp.resolve("big-filesz"), elf(0x7FFF_FFF0L, 0x7FFF_FFF0L, 1, 0x34));
        assertOneLine(Cli.run("", "replay-syscalls", log.toString(), "--binary", bigFile.toString()), ExitCode.BAD_INPUT,
                "big-filesz", "runs past the end of the file");
        Path manyHeaders = Files.write(tmp.resolve("many-phdrs"), elf(0x100, 0x100, 0xFFFF, 0x34));
        assertOneLine(Cli.run("", "replay-syscalls", log.toString(), "--binary", manyHeaders.toString()), ExitCode.BAD_INPUT,
                "many-phdrs", "program header table (65535 x 32 bytes) runs past the end of the file");
        Path farHeaders = Files.write(tmp.resolve("far-phdrs"), elf(0x100, 0x100, 1, 0x7FFF_0000));
        assertOneLine(Cli.run("", "replay-syscalls", log.toString(), "--binary", farHeaders.toString()), ExitCode.BAD_INPUT,
                "far-phdrs", "runs past the end of the file");
    }

    @Test
    void sectionLengthsBeyondTheBytesPresentAreRefused() throws Exception {
        byte[] good = Files.readAllBytes(syscallLog());
        int at = 12 + 5 + ByteBuffer.wrap(good, 13, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() + 4; // past the HEADER section
        assertThat(good[at] & 0xFF).isEqualTo(SectionType.SYSCALL_IMAGE.code());
        byte[] past = good.clone();
        ByteBuffer.wrap(past, at + 1, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((1 << 30) - 1); // within the bound, past the end
        Path f = Files.write(tmp.resolve("past.ksys"), past);
        assertOneLine(Cli.run("", "strace", f.toString()), ExitCode.BAD_RECORDING, "past.ksys at offset 0x",
                "SYSCALL_IMAGE section length 1073741823 runs past the end of the file");
        byte[] over = good.clone();
        ByteBuffer.wrap(over, at + 1, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(-1);
        Path g = Files.write(tmp.resolve("over.ksys"), over);
        assertOneLine(Cli.run("", "replay-syscalls", g.toString()), ExitCode.BAD_RECORDING, "over.ksys at offset 0x",
                "SYSCALL_IMAGE section length 4294967295 exceeds its bound of 1073741824");
    }

    /**
     * A 2.6 MB process slice with valid CRCs that maps 520,000 pages (2 GiB of frames) replayed with a
     * 256 MiB heap: refused before the frames are allocated, in one line naming the file and the heap.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aProcessSliceMappingHalfAMillionPagesIsRefusedUnderABoundedHeap() throws Exception {
        List<PageMapping> pages = new ArrayList<>();
        for (int p = 0; p < 520_000; p++) pages.add(new PageMapping(0x100 + p, true));
        ProcessImage image = new ProcessImage(10, "greedy", 0x80010011, 0, flatUser(), new int[] {0x80}, List.of(), regs(0x100 << 12),
                pages, List.of());
        SliceWriter w = new SliceWriter(header(SliceKind.PROCESS));
        ProcessSliceCodec.write(new ProcessSlice(image, List.of(new Transition(0, new UserExit.End(), 0, null))), w);
        Path slice = Files.write(tmp.resolve("greedy.kslice"), w.finish());
        assertThat(Files.size(slice)).isBetween(2_500_000L, 2_700_000L);

        Child r = kerfWithHeap(256, "replay", slice.toString());
        assertThat(r.exit).as(r.err).isEqualTo(ExitCode.OUT_OF_MEMORY.code());
        assertThat(r.err).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.err.strip().lines().count()).as(r.err).isEqualTo(1);
        assertThat(r.err).isEqualTo("kerf: out of memory while running kerf replay (" + slice + "): 2,034 MiB of guest memory needed;"
                + " the heap limit is 256 MiB (a larger heap may do: JDK_JAVA_OPTIONS=-Xmx3g)\n");
    }

    /** Guest RAM larger than the heap (--mem, as a recording's or time slice's RAM size would be) is refused before it is allocated. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void guestRamLargerThanTheHeapIsRefusedBeforeTheMachineIsBuilt() throws Exception {
        String hello = Examples.hello("hello.elf").toString();
        Child r = kerfWithHeap(256, "run", hello, "--mem", "1G", "--max-insns", "1");
        assertThat(r.exit).as(r.err).isEqualTo(ExitCode.OUT_OF_MEMORY.code());
        assertThat(r.err.strip().lines().count()).as(r.err).isEqualTo(1);
        assertThat(r.err).startsWith("kerf: out of memory while running kerf run (" + hello + "): 1,024 MiB of guest memory needed;"
                + " the heap limit is ").doesNotContain("Exception");
    }

    /** An OutOfMemoryError that nothing refused beforehand (here: from reading stdin) is one line with the heap limit. */
    @Test
    void anOutOfMemoryErrorIsOneLineNamingTheCommandAndTheHeap() {
        InputStream exhausted = new InputStream() {
            @Override
            public int read() {
                throw new OutOfMemoryError("Java heap space");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                throw new OutOfMemoryError("Java heap space");
            }
        };
        StringWriter err = new StringWriter();
        HostIo io = new HostIo(exhausted, new ByteArrayOutputStream(), new PrintWriter(err, true), false);
        int code = Kerf.commandLine(io).execute("replay", "-");
        Cli.Outcome r = new Cli.Outcome(code, "", err.toString());
        assertOneLine(r, ExitCode.OUT_OF_MEMORY, "kerf: out of memory while running kerf replay (-); the heap limit is ");
        long suggested = (2 * Runtime.getRuntime().maxMemory() + (1L << 30) - 1) >> 30; // twice this JVM's heap, in GiB
        assertThat(r.err()).endsWith(" MiB (a larger heap may do: JDK_JAVA_OPTIONS=-Xmx" + suggested + "g)\n");
    }

    // --- crafted inputs -------------------------------------------------------------------------

    private Path syscallLog() throws Exception {
        ProcessImage image = new ProcessImage(10, "prog", 0x80010011, 0, flatUser(), new int[] {0x80}, List.of(new PageRun(0, 16)),
                regs(0xBFFFF000), List.of(new PageMapping(0xBFFFF, true)), List.of());
        SliceWriter w = new SliceWriter(header(SliceKind.SYSCALLS));
        SyscallLogCodec.write(new SyscallLog(dev.kerf.retargeter.syscall.SyscallAbi.KERF, image, List.of(), List.of(), new ProcessEnd(ProcessEnd.Kind.END, 0, -1, 0, 0)), w);
        return Files.write(tmp.resolve("prog.ksys"), w.finish());
    }

    private static SliceHeader header(SliceKind kind) {
        return new SliceHeader(kind, Map.of("pid", 10L), "0".repeat(64), "rec.kerf", 32 << 20, 1 << 20, List.of(), Map.of());
    }

    private static int[] flatUser() {
        int[] s = new int[24];
        for (int i = 0; i < 6; i++) {
            boolean code = i == 1;
            s[4 * i] = code ? 0x1B : 0x23;
            s[4 * i + 2] = -1;
            s[4 * i + 3] = code ? 0xC0FB : 0xC0F3;
        }
        return s;
    }

    private static UserRegisters regs(int esp) {
        ByteBuffer b = ByteBuffer.allocate(UserRegisters.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4 * 4, esp);
        b.putInt(4 * UserRegisters.EFLAGS, 0x202);
        return new UserRegisters(b.array());
    }

    /** An i386 ET_EXEC with {@code phnum} program headers at {@code phoff}, the first PT_LOAD at 0x08048000. */
    private static byte[] elf(long filesz, long memsz, int phnum, long phoff) {
        ByteBuffer b = ByteBuffer.allocate(0x200).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 1, 1, 1});
        b.putShort(16, (short) 2).putShort(18, (short) 3).putInt(20, 1).putInt(24, 0x08048100).putInt(28, (int) phoff);
        b.putShort(40, (short) 52).putShort(42, (short) 32).putShort(44, (short) phnum);
        if (phoff == 0x34) {
            b.putInt(0x34, 1).putInt(0x38, 0).putInt(0x3C, 0x08048000).putInt(0x40, 0x08048000)
                    .putInt(0x44, (int) filesz).putInt(0x48, (int) memsz).putInt(0x4C, 5).putInt(0x50, 0x1000);
        }
        return b.array();
    }

    private record Child(int exit, String err) {}

    /** {@code kerf ARGS} in a child JVM with {@code -Xmx<mib>m}. */
    private static Child kerfWithHeap(int mib, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + mib + "m");
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("-Xss")) cmd.add(a);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Kerf.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(100, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kerf " + String.join(" ", args) + " did not finish: " + err);
        }
        return new Child(p.exitValue(), err);
    }
}
