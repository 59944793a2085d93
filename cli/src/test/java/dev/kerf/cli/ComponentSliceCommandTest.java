package dev.kerf.cli;

import dev.kerf.emulator.loader.ElfImage;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.slicer.component.ComponentSlice;
import dev.kerf.slicer.component.ComponentSlicer;
import dev.kerf.emulator.usermode.ComponentActivation;
import dev.kerf.emulator.usermode.MemoryWrite;
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

    @BeforeAll
    static void recordAndSlice() throws Exception {
        rec = tmp.resolve("bugreport.kerf");
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString()), "scenario=bugreport"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
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
        Cli.Outcome kernel = Cli.run("", "slice", rec.toString(), "--component", "kernel:ne2k_*", "-o", out.toString());
        assertThat(kernel.exitCode()).isEqualTo(2);
        assertThat(kernel.err()).contains("kernel components are not supported yet");
        Cli.Outcome syscalls = Cli.run("", "slice", rec.toString(), "--component", "buggy:printf", "-o", out.toString());
        assertThat(syscalls.exitCode()).isEqualTo(2);
        assertThat(syscalls.err()).contains("calls of buggy:printf can be replayed (each made a system call");
        for (Cli.Outcome o : List.of(parse, unknown, never, kernel, syscalls)) assertThat(o.err().strip().lines().count()).as(o.err()).isLessThanOrEqualTo(2);
        assertThat(out).doesNotExist();
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
