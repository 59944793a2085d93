package dev.kerf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, findings 2, 3 and 5, each from the attacker's reproduction: links planted at an
 * output's temporary name or at the output itself are never written through; {@code record -o}
 * into a link is refused; stdin is spooled to a limit; SIGTERM leaves nothing in the temporary
 * directory; every failure is one line naming its file with the documented exit code.
 */
class FileSafetyTest {
    @TempDir
    static Path tmp;
    static Path rec;
    static Path processSlice;
    static Path log;

    private static final byte[] VICTIM = "precious\n".getBytes(StandardCharsets.US_ASCII);

    @BeforeAll
    static void recordSliceRetarget() throws Exception {
        rec = tmp.resolve("selftest.kerf");
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString()), "scenario=selftest"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        processSlice = tmp.resolve("selftest.kslice");
        Cli.Outcome s = Cli.run("", "slice", rec.toString(), "--process", "selftest", "-o", processSlice.toString());
        assertThat(s.exitCode()).as(s.err()).isZero();
        log = tmp.resolve("selftest.ksys");
        Cli.Outcome t = Cli.run("", "retarget", processSlice.toString(), "--to", "syscalls", "-o", log.toString());
        assertThat(t.exitCode()).as(t.err()).isZero();
    }

    // ---- finding 2: planted links ----

    @Test
    void linksPlantedAtTheOldTemporaryNamesAreNotFollowed() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("planted"));
        Path victim = Files.write(dir.resolve("victim"), VICTIM);
        plant(dir.resolve(".out.kslice.tmp"), victim);
        plant(dir.resolve(".out.ksys.tmp"), victim);
        plant(dir.resolve(".out.svg.tmp"), victim);
        Path copy = copyTree(rec, dir.resolve("copy.kerf"));
        Path checkpoints = Files.createDirectory(copy.resolve("checkpoints"));
        plant(checkpoints.resolve(".00000000000001048576.kcp.tmp"), victim);

        ok(Cli.run("", "slice", rec.toString(), "--time", "0..1.5M", "-o", dir.resolve("out.kslice").toString()));
        ok(Cli.run("", "retarget", processSlice.toString(), "--to", "syscalls", "-o", dir.resolve("out.ksys").toString()));
        ok(Cli.run("", "timeline", rec.toString(), "-o", dir.resolve("out.svg").toString()));
        ok(Cli.run("", "replay", "-q", copy.toString(), "--to", "2.5M", "--checkpoint-every", "1Mi"));

        assertThat(Files.readAllBytes(victim)).isEqualTo(VICTIM);
        for (String out : List.of("out.kslice", "out.ksys", "out.svg")) {
            assertThat(Files.isRegularFile(dir.resolve(out), LinkOption.NOFOLLOW_LINKS)).as(out).isTrue();
            assertThat(Files.readSymbolicLink(dir.resolve("." + out + ".tmp"))).isEqualTo(victim);
        }
        Path checkpoint = checkpoints.resolve("00000000000001048576.kcp");
        assertThat(Files.isRegularFile(checkpoint, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.size(checkpoint)).isGreaterThan(VICTIM.length);
        assertThat(names(dir)).containsExactlyInAnyOrder("victim", "copy.kerf", "out.kslice", "out.ksys", "out.svg",
                ".out.kslice.tmp", ".out.ksys.tmp", ".out.svg.tmp"); // no temporary file of kerf's left
        assertThat(names(checkpoints)).noneMatch(n -> n.startsWith(".") && !n.equals(".00000000000001048576.kcp.tmp"));
    }

    @Test
    void anOutputThatIsALinkIsRefusedByNameAndItsTargetUntouched() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("links"));
        Path victim = Files.write(dir.resolve("victim"), VICTIM);
        for (String[] cmd : List.of(
                new String[] {"slice", rec.toString(), "--time", "0..1.5M", "-o", "L.kslice"},
                new String[] {"retarget", processSlice.toString(), "--to", "syscalls", "-o", "L.ksys"},
                new String[] {"timeline", rec.toString(), "-o", "L.svg"},
                new String[] {"pack", rec.toString(), "-o", "L.kpack"})) {
            int o = Arrays.asList(cmd).indexOf("-o") + 1;
            Path link = plant(dir.resolve(cmd[o]), victim);
            cmd[o] = link.toString();
            Cli.Outcome r = Cli.run("", cmd);
            assertThat(r.exitCode()).as(cmd[0] + ": " + r.err()).isEqualTo(ExitCode.BAD_INPUT.code());
            assertThat(r.err()).isEqualTo("kerf: " + link + ": is a symbolic link; kerf does not write through links"
                    + " (remove it or name another file)\n");
            assertThat(Files.isSymbolicLink(link)).isTrue();
        }
        assertThat(Files.readAllBytes(victim)).isEqualTo(VICTIM);
    }

    @Test
    void recordIntoALinkANonEmptyDirectoryOrAFileIsRefusedClearly() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("record"));
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Path link = plant(dir.resolve("link.kerf"), empty);
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", link.toString()), ""));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.RECORD_FAILED.code());
        assertThat(r.err()).isEqualTo("kerf: " + link + ": cannot create the recording: is a symbolic link;"
                + " kerf does not write a recording through a link\n");
        assertThat(names(empty)).isEmpty();
        assertThat(Files.isSymbolicLink(link)).isTrue();

        Path file = Files.write(dir.resolve("file"), VICTIM);
        r = Cli.run("", GuestOs.args(List.of("record", "-o", file.toString()), ""));
        assertThat(r.exitCode()).isEqualTo(ExitCode.RECORD_FAILED.code());
        assertThat(r.err()).isEqualTo("kerf: " + file + ": cannot create the recording: exists and is not a directory\n");
        r = Cli.run("", GuestOs.args(List.of("record", "-o", file.resolve("x.kerf").toString()), ""));
        assertThat(r.exitCode()).isEqualTo(ExitCode.RECORD_FAILED.code());
        assertThat(r.err()).isEqualTo("kerf: " + file.resolve("x.kerf") + ": cannot create the recording: " + file + ": not a directory\n");
        r = Cli.run("", GuestOs.args(List.of("record", "-o", dir.toString()), ""));
        assertThat(r.exitCode()).isEqualTo(ExitCode.RECORD_FAILED.code());
        assertThat(r.err()).isEqualTo("kerf: " + dir + ": cannot create the recording: exists and is not empty\n");
        assertThat(Files.readAllBytes(file)).isEqualTo(VICTIM);
    }

    // ---- finding 3: stdin spool limit and cleanup ----

    @Test
    void stdinLongerThanTheLimitIsRefusedInOneLineAndTheSpoolRemoved() throws IOException {
        List<String> before = spools(Path.of(System.getProperty("java.io.tmpdir")));
        InputStream zeros = new java.io.SequenceInputStream( // a slice's magic, then zeros that never end
                new java.io.ByteArrayInputStream("KERFSLCE".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                new InputStream() {
                    @Override public int read() { return 0; }
                    @Override public int read(byte[] b, int off, int len) { Arrays.fill(b, off, off + len, (byte) 0); return len; }
                });
        StringWriter err = new StringWriter();
        HostIo io = new HostIo(zeros, new ByteArrayOutputStream(), new PrintWriter(err, true), false);
        int code = Kerf.commandLine(io).execute("info", "--stdin-limit", "1M", "-");
        assertThat(code).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(err.toString()).isEqualTo("kerf: <stdin>: longer than the stdin limit of 1048576 bytes (--stdin-limit); nothing was read\n");
        assertThat(spools(Path.of(System.getProperty("java.io.tmpdir")))).isEqualTo(before);

        // within the limit it is read; the global option works before the command too
        byte[] slice = Files.readAllBytes(processSlice);
        err = new StringWriter();
        io = new HostIo(new ByteArrayInputStream(slice), new ByteArrayOutputStream(), new PrintWriter(err, true), false);
        assertThat(Kerf.commandLine(io).execute("--stdin-limit", Integer.toString(slice.length), "info", "-")).as(err.toString()).isZero();
        assertThat(spools(Path.of(System.getProperty("java.io.tmpdir")))).isEqualTo(before);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sigtermMidSliceLeavesNothingInTheTemporaryDirectory() throws Exception {
        Path packed = tmp.resolve("selftest.kpack");
        if (!Files.exists(packed)) ok(Cli.run("", "pack", rec.toString(), "-o", packed.toString()));
        Path tmpdir = Files.createDirectory(tmp.resolve("child-tmp"));
        Path outDir = Files.createDirectory(tmp.resolve("child-out"));

        // a packed recording is unpacked to the temporary directory for the slice's whole run
        Process child = kerf(tmpdir, "slice", packed.toString(), "--process", "selftest", "-o", outDir.resolve("p.kslice").toString());
        awaitEntry(child, tmpdir, "kerf-unpacked-");
        child.destroy(); // SIGTERM
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(128 + 15);
        assertThat(names(tmpdir)).isEmpty();
        assertThat(names(outDir)).isEmpty();

        // a slice read from stdin is spooled there while it arrives
        child = kerf(tmpdir, "slice", "-", "--process", "selftest", "-o", outDir.resolve("q.kslice").toString());
        OutputStream stdin = child.getOutputStream();
        stdin.write(Files.readAllBytes(processSlice), 0, 4096); // and no more: kerf waits for the rest
        stdin.flush();
        awaitEntry(child, tmpdir, "kerf-stdin-");
        child.destroy();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(128 + 15);
        assertThat(names(tmpdir)).isEmpty();
        assertThat(names(outDir)).isEmpty();
    }

    // ---- finding 5: one line naming the file, the documented exit code ----

    @Test
    void aDirectoryWhereASliceIsExpectedIsNamed() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("d.ksys"));
        // a directory where a kerf file is expected is not a kerf file: 12, as /dev/zero (InputLimitsTest)
        for (String verb : List.of("strace", "replay-syscalls")) {
            Cli.Outcome r = Cli.run("", verb, dir.toString());
            assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.BAD_RECORDING.code());
            assertThat(r.err()).isEqualTo("kerf: " + dir + ": is a directory, not a slice file\n");
        }
        Cli.Outcome r = Cli.run("", "retarget", dir.toString(), "--to", "syscalls", "-o", tmp.resolve("never.ksys").toString());
        assertThat(r.err()).isEqualTo("kerf: " + dir + ": is a directory, not a slice file\n");
        assertThat(tmp.resolve("never.ksys")).doesNotExist();
        r = Cli.run("", "slice", rec.toString(), "--time", "0..1M", "-o", dir.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).isEqualTo("kerf: " + dir + ": is a directory\n");
    }

    @Test
    void aFileThatCannotBeReadNamesItself() {
        Path clearRefs = Path.of("/proc/self/clear_refs"); // readable by name, but reading it fails (EINVAL)
        if (!Files.isRegularFile(clearRefs)) return; // not Linux
        Cli.Outcome r = Cli.run("", "info", clearRefs.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).startsWith("kerf: " + clearRefs + ": ").doesNotContain("Exception").hasLineCount(1);
    }

    @Test
    void anOutputUnderAFileNamesTheOutput() throws IOException {
        Path file = Files.write(tmp.resolve("plain"), VICTIM);
        Cli.Outcome r = Cli.run("", "retarget", processSlice.toString(), "--to", "syscalls", "-o", file.resolve("x.ksys").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).isEqualTo("kerf: " + file.resolve("x.ksys") + ": not a directory\n");
        r = Cli.run("", "pack", rec.toString(), "-o", file.resolve("x.kpack").toString());
        assertThat(r.err()).isEqualTo("kerf: " + file.resolve("x.kpack") + ": not a directory\n");
        r = Cli.run("", "slice", rec.toString(), "--time", "0..1M", "-o", file.resolve("x.kslice").toString());
        assertThat(r.err()).isEqualTo("kerf: " + file.resolve("x.kslice") + ": " + file + " is not a directory\n");
    }

    /** ENOSPC's kin: a write the file system refuses midway (here RLIMIT_FSIZE: "File too large"). */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aWriteThatFailsMidwayNamesTheOutputAndLeavesNothing() throws Exception {
        Path outDir = Files.createDirectory(tmp.resolve("full"));
        Path out = outDir.resolve("big.kpack"); // the packed recording is far over 64 KiB
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -f 64 && exec \"$@\"", "bash"));
        cmd.addAll(javaKerf(tmp, List.of("pack", rec.toString(), "-o", out.toString())));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(err).isEqualTo("kerf: " + out + ": file too large\n");
        assertThat(names(outDir)).isEmpty();
    }

    @Test
    void aSyscallLogWithABadSegmentSelectorIsADamagedFileNamedWithItsOffset() throws IOException {
        byte[] b = Files.readAllBytes(log);
        int at = csSelectorOffset(b);
        assertThat(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(at)).isNotEqualTo(0x1234);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, 0x1234);
        fixCrcs(b);
        Path bad = Files.write(tmp.resolve("badsel.ksys"), b);
        for (String verb : List.of("strace", "replay-syscalls")) {
            Cli.Outcome r = Cli.run("", verb, bad.toString());
            assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.BAD_RECORDING.code());
            assertThat(r.err()).isEqualTo(String.format("kerf: %s at offset 0x%x: SYSCALL_IMAGE section: CS selector 0x1234:"
                    + " not a selector a process slice can hold (null, or a GDT entry below 256)%n", bad, at));
        }
    }

    // ---- helpers ----

    private static void ok(Cli.Outcome r) {
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    private static Path plant(Path link, Path target) throws IOException {
        return Files.createSymbolicLink(link, target);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> spools(Path dir) throws IOException {
        return names(dir).stream().filter(n -> n.startsWith("kerf-stdin-")).toList();
    }

    private static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) Files.copy(p, to.resolve(from.relativize(p).toString()));
        }
        return to;
    }

    /** {@code java [this JVM's module flags] -Djava.io.tmpdir=TMP -cp [the test classpath] dev.kerf.cli.Kerf ARGS}. */
    private static List<String> javaKerf(Path tmpdir, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("-Xss")) cmd.add(a);
        }
        cmd.add("-XX:-UsePerfData");
        cmd.add("-Djava.io.tmpdir=" + tmpdir);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Kerf.class.getName());
        cmd.addAll(args);
        return cmd;
    }

    private static Process kerf(Path tmpdir, String... args) throws IOException {
        return new ProcessBuilder(javaKerf(tmpdir, List.of(args))).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Waits until {@code dir} holds an entry named {@code prefix...} (fails if the child ends first). */
    private static void awaitEntry(Process child, Path dir, String prefix) throws Exception {
        while (names(dir).stream().noneMatch(n -> n.startsWith(prefix))) {
            if (!child.isAlive()) throw new AssertionError("kerf ended (exit " + child.exitValue() + ") before making " + prefix + "*");
            Thread.sleep(5);
        }
    }

    /** Offset of the CS selector in the SYSCALL_IMAGE section (type 48): pid u32, name (u16 + bytes), cr0, cr4, ES's 4 ints. */
    private static int csSelectorOffset(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int pos = 12; pos < b.length; pos += 5 + buf.getInt(pos + 1) + 4) {
            if ((b[pos] & 0xFF) == 48) {
                int data = pos + 5;
                int nameLength = buf.getShort(data + 4) & 0xFFFF;
                return data + 4 + 2 + nameLength + 8 + 16;
            }
        }
        throw new AssertionError("no SYSCALL_IMAGE section");
    }

    private static void fixCrcs(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int pos = 12; pos < b.length; ) {
            int n = buf.getInt(pos + 1);
            CRC32C c = new CRC32C();
            c.update(b, pos, 5 + n);
            buf.putInt(pos + 5 + n, (int) c.getValue());
            pos += 5 + n + 4;
        }
    }
}
