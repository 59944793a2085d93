package dev.kerf.cli;

import dev.kerf.emulator.loader.ElfImage;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.slicer.component.ComponentSlice;
import dev.kerf.slicer.component.ComponentSlicer;
import dev.kerf.emulator.usermode.ComponentActivation;
import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.testkit.HostPackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6, must-show 4 (docs/slicing.md "Component slices"): the component slice of
 * {@code buggy:parse_*} (parse_field and parse_line, kept out of line in buggy.c so they have
 * symbols) and of buggy's string functions (the strcpy that overflows is parse_field's) holds only
 * the bytes they read, replays every call with the same writes and return values, and holds no
 * kernel text and none of vault's secrets.
 */
class ComponentSliceCommandTest {
    private static final List<String> SECRETS = List.of("correct-horse-battery-staple", "hunter2-but-longer", "Tr0ub4dor&3");
    @TempDir
    static Path tmp;
    private static Path rec;
    private static Path slice;
    private static Cli.Outcome sliced;
    private static Cli.Outcome recorded;
    private static Path net;

    @BeforeAll
    static void recordAndSlice() throws Exception {
        rec = tmp.resolve("bugreport.kerf");
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString()), "scenario=bugreport"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        recorded = r;
        slice = tmp.resolve("strings.kslice");
        sliced = Cli.run("", "slice", rec.toString(), "--component", "buggy:str*", "-o", slice.toString());
    }

    @Test
    void theSliceHoldsOnlyFirstLoadsAndReplaysEveryCall() throws Exception {
        assertThat(sliced.exitCode()).as(sliced.err()).isZero();
        Matcher m = Pattern.compile("component slice of buggy:str\\*: (\\d+) activations \\((\\d+) verified by replay, 0 not replayable\\),"
                + " (\\d+) bytes loaded").matcher(sliced.err());
        assertThat(m.find()).as(sliced.err()).isTrue();
        Slice file = SliceReader.read(Files.readAllBytes(slice), slice);
        ComponentSlice c = ComponentSlicer.read(file);
        Map<String, Object> params = file.header().parameters();
        assertThat(params.get("activations")).isEqualTo((long) c.activations().size());
        assertThat(params.get("bytesLoaded")).isEqualTo(c.loadedBytes()).isEqualTo(Long.parseLong(m.group(3)));
        assertThat(c.activations().size()).isEqualTo(Integer.parseInt(m.group(1))).isGreaterThan(10);
        // the manifest's memory counts: first loads equal the capture's count
        var manifest = dev.kerf.slicer.privacy.PrivacyManifest.fromTree(file.header().privacy(), slice, 0);
        var firstLoads = manifest.sources().stream().filter(x -> x.source().startsWith("first loads")).findFirst().orElseThrow();
        assertThat(firstLoads.bytes()).isEqualTo(c.loadedBytes());
        long entryRegisters = 40L * c.activations().size(), written = c.writtenBytes();
        // nothing else of the process: first loads, entry registers, the expected writes and the called functions' text
        assertThat(manifest.memoryBytes()).isEqualTo(c.loadedBytes() + entryRegisters + written + c.codeBytes());
        assertThat(c.codeBytes()).isLessThan(400); // strcmp, strchr, strcpy: not the program
        assertThat(manifest.scan().hits()).isZero();

        Cli.Outcome replay = Cli.run("", "replay", slice.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.err()).contains("component slice of buggy:str* verified: " + m.group(2) + " activations replayed");
    }

    @Test
    void parseStarHoldsOnlyWhatTheParsersReadAndReplaysTheirCalls() throws Exception {
        Path parse = tmp.resolve("parse.kslice");
        Cli.Outcome r = Cli.run("", "slice", rec.toString(), "--component", "buggy:parse_*", "-o", parse.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Slice file = SliceReader.read(Files.readAllBytes(parse), parse);
        ComponentSlice c = ComponentSlicer.read(file);
        assertThat(file.header().parameters().get("functions")).isEqualTo("parse_field,parse_line");
        assertThat(c.activations()).hasSizeGreaterThanOrEqualTo(5); // a parse_line per order line of both buggy runs
        var manifest = dev.kerf.slicer.privacy.PrivacyManifest.fromTree(file.header().privacy(), parse, 0);
        var firstLoads = manifest.sources().stream().filter(x -> x.source().startsWith("first loads")).findFirst().orElseThrow();
        assertThat(firstLoads.bytes()).isEqualTo(c.loadedBytes()).isEqualTo(file.header().parameters().get("bytesLoaded"));
        assertThat(manifest.memoryBytes()).isEqualTo(c.loadedBytes() + 40L * c.activations().size() + c.writtenBytes() + c.codeBytes());
        String latin1 = new String(Files.readAllBytes(parse), StandardCharsets.ISO_8859_1);
        for (String s : SECRETS) assertThat(latin1).as("secret " + s).doesNotContain(s);
        Cli.Outcome replay = Cli.run("", "replay", parse.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.err()).contains("component slice of buggy:parse_* verified: " + c.activations().size()
                + " activations replayed with the same writes and return values");
    }

    @Test
    void theOverflowingStrcpyIsCapturedWithItsOverflow() throws Exception {
        assertThat(sliced.exitCode()).as(sliced.err()).isZero();
        ComponentSlice c = ComponentSlicer.read(SliceReader.read(Files.readAllBytes(slice), slice));
        byte[] name = "ACME Corporation International".getBytes(StandardCharsets.ISO_8859_1);
        ComponentActivation overflow = null;
        MemoryWrite field = null;
        for (ComponentActivation a : c.activations()) {
            for (MemoryWrite w : a.writes()) {
                if (indexOf(w.bytes(), name) >= 0) {
                    overflow = a;
                    field = w;
                }
            }
        }
        assertThat(overflow).as("a call wrote the long customer name").isNotNull();
        // strcpy returns its destination, the 16-byte customer field: the 31 bytes it wrote there run over
        // the price pointer after it, which now holds " Int" = 0x746e4920, the address main faults at
        assertThat(overflow.end()).isEqualTo(ComponentActivation.End.RETURNED);
        int dest = overflow.eax();
        int at = dest - field.address();
        assertThat(indexOf(field.bytes(), name)).isEqualTo(at);
        int pointer = (field.bytes()[at + 16] & 0xFF) | (field.bytes()[at + 17] & 0xFF) << 8 | (field.bytes()[at + 18] & 0xFF) << 16
                | (field.bytes()[at + 19] & 0xFF) << 24;
        assertThat(pointer).isEqualTo(0x746e4920);
        assertThat(overflow.loadedBytes()).isGreaterThanOrEqualTo(name.length + 1); // the source string and its NUL, first loads
    }

    @Test
    void theFileHoldsNoKernelTextAndNoSecrets() throws Exception {
        assertThat(sliced.exitCode()).as(sliced.err()).isZero();
        byte[] file = Files.readAllBytes(slice);
        String latin1 = new String(file, StandardCharsets.ISO_8859_1);
        for (String s : SECRETS) assertThat(latin1).as("secret " + s).doesNotContain(s);
        byte[] kernel = Files.readAllBytes(GuestOs.kernel());
        byte[] program = Files.readAllBytes(GuestOs.kernel().resolveSibling("root/bin/buggy"));
        ElfImage.Segment text = ElfImage.parse("kernel.elf", kernel).segments().get(0);
        int checked = 0;
        for (long off = text.fileOffset(); off + 32 <= text.fileOffset() + text.fileSize(); off += 16) {
            byte[] window = Arrays.copyOfRange(kernel, (int) off, (int) off + 32);
            if (distinct(window) < 12 || indexOf(program, window) >= 0) continue;
            checked++;
            assertThat(indexOf(file, window)).as("kernel text at file offset " + off).isEqualTo(-1);
        }
        assertThat(checked).isGreaterThan(100);
        // the orders file is read by buggy's main, not by the string functions: only the fields they read are here
        assertThat(latin1).contains("ACME Corporation International");
    }

    @Test
    void aNamedSecretIsRemovedFromWhatTheCallsReadAndTheSliceStillReplays() throws Exception {
        Path out = tmp.resolve("secret.kslice");
        Cli.Outcome r = Cli.run("", "slice", rec.toString(), "--component", "buggy:str*", "--secret", "ACME Corporation", "-o", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).containsPattern("privacy: 1 secrets named, [1-9]\\d* occurrences");
        assertThat(new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1)).doesNotContain("ACME Corporation");
        Cli.Outcome replay = Cli.run("", "replay", out.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero(); // strcpy copies the filler as it copied the name
    }

    @Test
    void aPidSlicesThatProcessOnly() throws Exception {
        Cli.Outcome ps = Cli.run("", "ps", rec.toString(), "--json");
        Matcher pids = Pattern.compile("\\{\"pid\":(\\d+),\"ppid\":\\d+,\"name\":\"buggy\"").matcher(ps.out());
        assertThat(pids.find()).as(ps.out()).isTrue();
        String first = pids.group(1);
        Path out = tmp.resolve("pid.kslice");
        Cli.Outcome r = Cli.run("", "slice", rec.toString(), "--component", first + ":strcpy", "-o", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        ComponentSlice c = ComponentSlicer.read(SliceReader.read(Files.readAllBytes(out), out));
        assertThat(c.activations()).isNotEmpty().allSatisfy(a -> assertThat(a.pid()).isEqualTo(Integer.parseInt(first)));
        ComponentSlice all = ComponentSlicer.read(SliceReader.read(Files.readAllBytes(slice), slice));
        assertThat(all.activations().stream().map(ComponentActivation::pid).distinct().count()).isEqualTo(2); // both buggy runs
        Cli.Outcome none = Cli.run("", "slice", rec.toString(), "--component", "999:strcpy", "-o", tmp.resolve("none.kslice").toString());
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("no process 999 in the recording; pids seen: 1 init");
    }

    @Test
    void badSpecsAreOneLineAndWriteNothing() {
        Path out = tmp.resolve("bad.kslice");
        Cli.Outcome parse = Cli.run("", "slice", rec.toString(), "--component", "buggy:nosuch_*", "-o", out.toString());
        assertThat(parse.exitCode()).isEqualTo(2);
        assertThat(parse.err()).contains("no function of /bin/buggy matches nosuch_*", "functions it has:", "strcpy");
        Cli.Outcome unknown = Cli.run("", "slice", rec.toString(), "--component", "nosuch:main", "-o", out.toString());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no program nosuch in the recording's initrd", "buggy");
        Cli.Outcome never = Cli.run("", "slice", rec.toString(), "--component", "buggy:kerf_ps", "-o", out.toString());
        assertThat(never.exitCode()).isEqualTo(2);
        assertThat(never.err()).contains("component buggy:kerf_ps never ran");
        Cli.Outcome kernel = Cli.run("", "slice", rec.toString(), "--component", "kernel:nosuch_*", "-o", out.toString());
        assertThat(kernel.exitCode()).isEqualTo(2);
        assertThat(kernel.err()).contains("no kernel symbol matches nosuch_*", "functions it has:");
        Cli.Outcome syscalls = Cli.run("", "slice", rec.toString(), "--component", "buggy:printf", "-o", out.toString());
        assertThat(syscalls.exitCode()).isEqualTo(2);
        assertThat(syscalls.err()).contains("calls of buggy:printf can be replayed (each made a system call");
        for (Cli.Outcome o : List.of(parse, unknown, never, kernel, syscalls)) assertThat(o.err().strip().lines().count()).as(o.err()).isLessThanOrEqualTo(2);
        assertThat(out).doesNotExist();
    }

    /**
     * buggy's main takes its page fault at the load through the price pointer strcpy overwrote; main
     * makes system calls, so the range is the two loads before that instruction and the instruction
     * itself (entered mid-function: each pass through it is an activation that ends where it leaves
     * the range). The last pass faults, and its replay faults the same way.
     */
    @Test
    void aCallThatFaultsEndsFaultedAndReplaysToTheSameFault() throws Exception {
        Matcher fault = Pattern.compile("buggy\\[\\d+\\]: page fault at 0x([0-9a-f]{8}), eip 0x([0-9a-f]{8})").matcher(recorded.out() + recorded.err());
        assertThat(fault.find()).as(recorded.out()).isTrue();
        int cr2 = (int) Long.parseLong(fault.group(1), 16), eip = (int) Long.parseLong(fault.group(2), 16);
        assertThat(cr2).isEqualTo(0x746e4920); // " Int" of "ACME Corporation International"
        byte[] buggy = Files.readAllBytes(GuestOs.kernel().resolveSibling("root/bin/buggy"));
        byte[] expected = {(byte) 0x8b, 0x4c, 0x24, 0x48, (byte) 0x8b, 0x5c, 0x24, 0x4c, (byte) 0x8b, 0x01};
        assertThat(bytesAt(buggy, eip - 8, expected.length)).as("mov 0x48(%esp),%ecx; mov 0x4c(%esp),%ebx; mov (%ecx),%eax").isEqualTo(expected);
        Path out = tmp.resolve("fault.kslice");
        String spec = String.format("buggy:0x%x-0x%x", eip - 8, eip + 1);
        Cli.Outcome r = Cli.run("", "slice", rec.toString(), "--component", spec, "-o", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        ComponentSlice c = ComponentSlicer.read(SliceReader.read(Files.readAllBytes(out), out));
        List<ComponentActivation> faulted = c.activations().stream().filter(a -> a.end() == ComponentActivation.End.FAULTED).toList();
        assertThat(faulted).hasSize(1);
        ComponentActivation last = faulted.get(0);
        assertThat(last.fault().vector()).isEqualTo(14);
        assertThat(last.fault().eip()).isEqualTo(eip);
        assertThat(last.fault().cr2()).isEqualTo(cr2);
        assertThat(last.instructions()).isEqualTo(3); // two loads and the faulting instruction
        // the pointer it faults through is a first load: the four bytes strcpy ran over
        assertThat(last.loads().stream().anyMatch(w -> indexOf(w.bytes(), " Int".getBytes(StandardCharsets.ISO_8859_1)) >= 0)).isTrue();
        assertThat(c.activations()).allSatisfy(a -> assertThat(a.end()).isIn(ComponentActivation.End.RETURNED, ComponentActivation.End.FAULTED));
        Cli.Outcome replay = Cli.run("", "replay", out.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.err()).contains(c.activations().size() + " activations replayed",
                String.format("last: fault 14 (error 0x%x) at eip 0x%08x, cr2 0x%08x", last.fault().errorCode(), eip, cr2));
    }

    /** scenario=net fed from the sample capture (make pcap), recorded once for the kernel component tests. */
    private static synchronized Path netRecording() throws Exception {
        if (net != null) return net;
        HostPackages.require(HostPackages.PYTHON3); // make pcap runs pcap-feed.py
        Path guest = GuestOs.kernel().getParent();
        Process make = new ProcessBuilder("make", "-s", "-C", guest.getParent().toString(), "pcap").inheritIO().start();
        assertThat(make.waitFor()).isZero();
        Path rec = tmp.resolve("net.kerf");
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString(), "--net-in", guest.resolve("net-sample.pcap").toString(),
                "--net-out", tmp.resolve("sent.pcap").toString()), "scenario=net"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1); // the guest powered off with status 0: (0 << 1) | 1
        assertThat(r.out()).contains("udp echo of 10 bytes");
        net = rec;
        return net;
    }

    /**
     * Issue 6: the kernel component slice of ne2k_* (ne2k_init at boot, ne2k_irq per received frame)
     * holds only what the functions read — first loads, entry registers, the port values they read
     * (the frames) and wrote — replays every activation with the same writes, return values and port
     * writes, and holds no user program text and no kernel text but the functions run.
     */
    @Test
    void theNe2kSliceHoldsOnlyWhatTheDriverReadAndReplaysEveryCall() throws Exception {
        Path rec = netRecording();
        Path out = tmp.resolve("ne2k.kslice");
        Cli.Outcome r = Cli.run("", "slice", rec.toString(), "--component", "kernel:ne2k_*", "-o", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Matcher m = Pattern.compile("component slice of kernel:ne2k_\\*: (\\d+) activations \\((\\d+) verified by replay, 0 not replayable\\),"
                + " (\\d+) bytes loaded").matcher(r.err());
        assertThat(m.find()).as(r.err()).isTrue();
        assertThat(r.err()).containsPattern("port accesses: \\d+ \\(\\d+ bytes of input");
        byte[] bytes = Files.readAllBytes(out);
        Slice file = SliceReader.read(bytes, out);
        ComponentSlice c = ComponentSlicer.read(file);
        Map<String, Object> params = file.header().parameters();
        assertThat(c.kernel()).isTrue();
        assertThat(params.get("program")).isEqualTo("kernel");
        assertThat(params.get("functions")).isEqualTo("ne2k_init,ne2k_irq");
        assertThat(c.activations().size()).isEqualTo(Integer.parseInt(m.group(1))).isEqualTo(Integer.parseInt(m.group(2)))
                .isGreaterThanOrEqualTo(6); // ne2k_init, then an interrupt per frame (5 frames, some may share one)
        assertThat(c.activations()).allSatisfy(a -> assertThat(a.end()).isEqualTo(ComponentActivation.End.RETURNED));
        assertThat(c.activations().get(0).eax()).as("ne2k_init returns 0: the card is there").isZero();
        // ne2k_init's first access: outb(0x300, 0x21)
        var init = c.ports().get(0);
        assertThat(init.isOutput(0)).isTrue();
        assertThat(init.port(0)).isEqualTo(0x300);
        assertThat(init.value(0)).isEqualTo(0x21);
        // the manifest: the first loads are the capture's, and its total is every byte the file holds of the machine
        var manifest = dev.kerf.slicer.privacy.PrivacyManifest.fromTree(file.header().privacy(), out, 0);
        var firstLoads = manifest.sources().stream().filter(x -> x.source().startsWith("first loads")).findFirst().orElseThrow();
        assertThat(firstLoads.bytes()).isEqualTo(c.loadedBytes()).isEqualTo(params.get("bytesLoaded")).isEqualTo(Long.parseLong(m.group(3)));
        var frames = manifest.sources().stream().filter(x -> x.kind().equals("input")).toList();
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).source()).startsWith("port input from ne2k");
        assertThat(frames.get(0).bytes()).isEqualTo(c.portInputBytes()).isGreaterThan(200);
        assertThat(manifest.memoryBytes() + manifest.inputBytes()).isEqualTo(c.loadedBytes() + 40L * c.activations().size()
                + c.writtenBytes() + c.codeBytes() + c.portInputBytes() + c.portOutputBytes());
        // the frames' bytes it read are in the file (network input, as the manifest says)
        assertThat(indexOf(bytes, "hello kerf".getBytes(StandardCharsets.ISO_8859_1))).isGreaterThan(0);
        assertNoOtherText(bytes, c);
        Cli.Outcome replay = Cli.run("", "replay", out.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.err()).contains("component slice of kernel:ne2k_* verified: " + c.activations().size()
                + " activations replayed with the same writes and return values or faults, every port input served and port output checked");
        Cli.Outcome info = Cli.run("", "info", out.toString());
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.out()).contains("component_ports", "\"portAccesses\"", "port input from ne2k");
    }

    /** No window of any /bin program's text, and no kernel text outside the code runs the slice carries. */
    private static void assertNoOtherText(byte[] file, ComponentSlice c) throws Exception {
        byte[] kernel = Files.readAllBytes(GuestOs.kernel());
        ElfImage.Segment text = ElfImage.parse("kernel.elf", kernel).segments().get(0);
        int checked = 0, carried = 0;
        for (long off = text.fileOffset(); off + 32 <= text.fileOffset() + text.fileSize(); off += 16) {
            byte[] window = Arrays.copyOfRange(kernel, (int) off, (int) off + 32);
            if (distinct(window) < 12) continue;
            long vaddr = text.vaddr() + off - text.fileOffset();
            boolean inCode = c.image().code().stream().anyMatch(w -> vaddr >= Integer.toUnsignedLong(w.address())
                    && vaddr + 32 <= Integer.toUnsignedLong(w.address()) + w.bytes().length);
            if (inCode) {
                carried++;
                continue;
            }
            checked++;
            assertThat(indexOf(file, window)).as("kernel text at 0x" + Long.toHexString(vaddr)).isEqualTo(-1);
        }
        assertThat(checked).isGreaterThan(500);
        assertThat(carried).isGreaterThan(10);
        assertThat(c.codeBytes()).isLessThan(kernel.length / 8);
        try (var programs = Files.list(GuestOs.kernel().resolveSibling("root/bin"))) {
            for (Path p : programs.toList()) {
                byte[] program = Files.readAllBytes(p);
                ElfImage.Segment ptext = ElfImage.parse(p.toString(), program).segments().get(0);
                for (long off = ptext.fileOffset(); off + 32 <= ptext.fileOffset() + ptext.fileSize(); off += 64) {
                    byte[] window = Arrays.copyOfRange(program, (int) off, (int) off + 32);
                    if (distinct(window) < 12) continue;
                    assertThat(indexOf(file, window)).as(p.getFileName() + " text at file offset " + off).isEqualTo(-1);
                }
            }
        }
    }

    @Test
    void aSecretInTheFramesIsRemovedFromThePortInputAndTheKernelSliceStillReplays() throws Exception {
        Path rec = netRecording();
        Path out = tmp.resolve("ne2k-secret.kslice");
        Cli.Outcome r = Cli.run("", "slice", rec.toString(), "--component", "kernel:ne2k_*", "--secret", "hello kerf", "-o", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).containsPattern("privacy: 1 secrets named, [1-9]\\d* occurrences");
        assertThat(new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1)).doesNotContain("hello kerf");
        Cli.Outcome replay = Cli.run("", "replay", out.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        Path none = tmp.resolve("none.kslice");
        Cli.Outcome nosuch = Cli.run("", "slice", rec.toString(), "--component", "kernel:nosuch_*", "-o", none.toString());
        assertThat(nosuch.exitCode()).isEqualTo(2);
        assertThat(nosuch.err()).contains("no kernel symbol matches nosuch_*");
        assertThat(nosuch.err().strip().lines().count()).isEqualTo(1);
        assertThat(none).doesNotExist();
    }

    /** The bytes of an ELF file loaded at {@code vaddr}. */
    private static byte[] bytesAt(byte[] elf, long vaddr, int n) {
        for (ElfImage.Segment s : ElfImage.parse("elf", elf).segments()) {
            if (vaddr >= s.vaddr() && vaddr + n <= s.vaddr() + s.fileSize()) {
                int off = (int) (s.fileOffset() + vaddr - s.vaddr());
                return Arrays.copyOfRange(elf, off, off + n);
            }
        }
        throw new AssertionError("no segment holds 0x" + Long.toHexString(vaddr));
    }

    private static int distinct(byte[] b) {
        boolean[] seen = new boolean[256];
        int n = 0;
        for (byte x : b) if (!seen[x & 0xFF]) { seen[x & 0xFF] = true; n++; }
        return n;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
