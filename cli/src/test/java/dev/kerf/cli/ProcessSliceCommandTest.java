package dev.kerf.cli;

import dev.kerf.emulator.loader.ElfImage;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.emulator.usermode.SliceRegion;
import dev.kerf.slicer.process.ProcessSelector;
import dev.kerf.slicer.process.ProcessSliceException;
import dev.kerf.slicer.process.ProcessSliceResult;
import dev.kerf.slicer.process.ProcessSlicer;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 6, must-show 1: the process slice of buggy from a bugreport recording replays to the same
 * fault at the same user instruction count and eip, and its file holds nothing of the kernel's
 * text nor any of vault's secrets (buggy never read them). Plus the documented errors.
 */
class ProcessSliceCommandTest {
    private static final List<String> SECRETS = List.of("correct-horse-battery-staple", "hunter2-but-longer", "Tr0ub4dor&3");
    @TempDir
    static Path tmp;
    private static Path rec;
    private static Path slice;
    private static Cli.Outcome sliced;
    private static String faultingPid;

    @BeforeAll
    static void recordAndSlice() throws Exception {
        rec = tmp.resolve("bugreport.kerf");
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString()), "scenario=bugreport"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("page fault at 0x746e4920, eip 0x080495ef");
        slice = tmp.resolve("buggy.kslice");
        Matcher fault = Pattern.compile("buggy\\[(\\d+)\\]: page fault").matcher(r.out());
        assertThat(fault.find()).isTrue();
        faultingPid = fault.group(1); // the second buggy (the first one printed its orders and exited)
        sliced = Cli.run("", "slice", rec.toString(), "--process", faultingPid, "-o", slice.toString());
    }

    @Test
    void theSliceOfBuggyReplaysToTheSameFaultAtTheSameUserInstruction() {
        assertThat(sliced.exitCode()).as(sliced.err()).isZero();
        assertThat(slice).isRegularFile();
        Matcher m = Pattern.compile("process slice of buggy \\(pid (\\d+)\\): (\\d+) user instructions").matcher(sliced.err());
        assertThat(m.find()).as(sliced.err()).isTrue();
        String userInstructions = m.group(2);

        Cli.Outcome replay = Cli.run("", "replay", slice.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.err()).contains("process slice of buggy (pid " + m.group(1) + ") verified: " + userInstructions + " user instructions")
                .containsPattern("last: fault 14 \\(error 0x[0-9a-f]+\\) at eip 0x080495ef, cr2 0x746e4920");

        Cli.Outcome ps = Cli.run("", "ps", rec.toString(), "--json");
        assertThat(ps.exitCode()).as(ps.err()).isZero();
        // ps counts the pid's user instructions from its fork; the slice starts at its exec of buggy
        Matcher counted = Pattern.compile("\"pid\":" + m.group(1) + ",\"ppid\":2,\"name\":\"buggy\"[^}]*\"userInstructions\":(\\d+),")
                .matcher(ps.out());
        assertThat(counted.find()).as(ps.out()).isTrue();
        assertThat(Long.parseLong(userInstructions)).isPositive().isLessThan(Long.parseLong(counted.group(1)));

        Cli.Outcome info = Cli.run("", "info", slice.toString());
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.out()).containsPattern("kind: +process").contains("\"pid\": " + m.group(1) + ", \"name\": \"buggy\", \"userInstructions\": "
                + userInstructions).containsPattern("process_image: +\\d+ bytes").containsPattern("process_exits: +\\d+ bytes");
    }

    @Test
    void theFileHoldsNoKernelTextAndNoSecrets() throws Exception {
        assertThat(sliced.exitCode()).as(sliced.err()).isZero();
        byte[] file = Files.readAllBytes(slice);
        String latin1 = new String(file, StandardCharsets.ISO_8859_1);
        for (String s : SECRETS) assertThat(latin1).as("secret " + s).doesNotContain(s);
        byte[] kernel = Files.readAllBytes(GuestOs.kernel());
        // libc and kernel share a few routines compiled to the same bytes (memmove): those are buggy's own code
        byte[] program = Files.readAllBytes(GuestOs.kernel().resolveSibling("root/bin/buggy"));
        ElfImage elf = ElfImage.parse("kernel.elf", kernel);
        ElfImage.Segment text = elf.segments().get(0);
        int checked = 0;
        for (long off = text.fileOffset(); off + 32 <= text.fileOffset() + text.fileSize(); off += 16) {
            byte[] window = Arrays.copyOfRange(kernel, (int) off, (int) off + 32);
            if (distinct(window) < 12 || indexOf(program, window) >= 0) continue; // padding could match by chance
            checked++;
            assertThat(indexOf(file, window)).as("kernel text at file offset " + off).isEqualTo(-1);
        }
        assertThat(checked).isGreaterThan(100);
    }

    @Test
    void aNameTwoProcessesHadSlicesTheFirstAndSaysSo() throws Exception {
        Path out = tmp.resolve("first-buggy.kslice");
        Cli.Outcome r = Cli.run("", "slice", rec.toString(), "--process", "buggy", "-o", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("several processes were named buggy; sliced the first, pid", "others: pids " + faultingPid);
        Cli.Outcome replay = Cli.run("", "replay", out.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.err()).contains("last: syscall 1 ("); // the first buggy exits normally
    }

    @Test
    void aWindowSlicesTheMiddleOfTheProcessAndAnEmptyWindowIsOneLine() {
        Cli.Outcome ps = Cli.run("", "ps", rec.toString(), "--json");
        Matcher life = Pattern.compile("\"pid\":" + faultingPid + ",[^}]*\"firstIcount\":(\\d+),\"lastIcount\":(\\d+),").matcher(ps.out());
        assertThat(life.find()).as(ps.out()).isTrue();
        long first = Long.parseLong(life.group(1)), last = Long.parseLong(life.group(2));
        long from = first + (last - first) / 3, to = first + 2 * (last - first) / 3;
        Path out = tmp.resolve("middle.kslice");
        Cli.Outcome r = Cli.run("", "slice", rec.toString(), "--process", faultingPid, "--time", from + ".." + to, "-o", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Cli.Outcome replay = Cli.run("", "replay", out.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.err()).contains("verified").doesNotContain("eip 0x080495ef");
        Cli.Outcome info = Cli.run("", "info", out.toString());
        assertThat(info.out()).contains("\"from\": " + from, "\"to\": " + to);

        Path none = tmp.resolve("after.kslice");
        Cli.Outcome after = Cli.run("", "slice", rec.toString(), "--process", faultingPid, "--time", (last + 1) + ".." + (last + 50_000),
                "-o", none.toString());
        assertThat(after.exitCode()).isEqualTo(4);
        assertThat(after.err()).contains("ran no user-mode instruction in the window " + (last + 1) + "..");
        assertThat(after.err().lines().count()).isEqualTo(1);
        assertThat(none).doesNotExist();
    }

    @Test
    void aTimeSliceSlicedByProcessGivesTheSameProcessSlice() throws Exception {
        assertThat(sliced.exitCode()).as(sliced.err()).isZero();
        Cli.Outcome ps = Cli.run("", "ps", rec.toString(), "--json");
        Matcher life = Pattern.compile("\"pid\":" + faultingPid + ",[^}]*\"firstIcount\":(\\d+),\"lastIcount\":(\\d+),").matcher(ps.out());
        assertThat(life.find()).as(ps.out()).isTrue();
        Path time = tmp.resolve("time.kslice");
        Cli.Outcome t = Cli.run("", "slice", rec.toString(), "--time", (Long.parseLong(life.group(1)) - 1000) + ".."
                + (Long.parseLong(life.group(2)) + 1000), "-o", time.toString());
        assertThat(t.exitCode()).as(t.err()).isZero();
        Path stacked = tmp.resolve("stacked.kslice");
        Cli.Outcome p = Cli.run("", "slice", time.toString(), "--process", faultingPid, "-o", stacked.toString());
        assertThat(p.exitCode()).as(p.err()).isZero();
        Slice direct = SliceReader.read(slice), viaTime = SliceReader.read(stacked);
        for (SectionType type : List.of(SectionType.PROCESS_IMAGE, SectionType.PROCESS_EXITS, SectionType.PROCESS_EFFECTS)) {
            assertThat(viaTime.only(type).data()).as(type.toString()).isEqualTo(direct.only(type).data());
        }
        Cli.Outcome again = Cli.run("", "slice", stacked.toString(), "--process", faultingPid, "-o", tmp.resolve("x.kslice").toString());
        assertThat(again.exitCode()).isEqualTo(4);
        assertThat(again.err()).contains("a process slice of buggy (pid " + faultingPid + ") holds no machine");
        assertThat(tmp.resolve("x.kslice")).doesNotExist();
    }

    @Test
    void aRedactorRewritesRegionsAndTheReplayJudgesIt() throws Exception {
        ProcessSelector buggy = ProcessSelector.parse(faultingPid);
        ProcessSliceResult kept = ProcessSlicer.slice(rec, buggy, 0, Long.MAX_VALUE, s -> Map.of("removed", 0L));
        assertThat(SliceReader.read(kept.file(), Path.of("kept")).header().privacy()).containsEntry("removed", 0L);

        // the result of one read() changed: the process computes something else, seen at a later exit
        assertThatThrownBy(() -> ProcessSlicer.slice(rec, buggy, 0, Long.MAX_VALUE, s -> {
            SliceRegion regs = s.regions().stream().filter(g -> g.kind() == SliceRegion.Kind.RETURN_REGISTERS)
                    .filter(g -> g.label().contains("syscall 3 ")).findFirst().orElseThrow();
            regs.bytes()[0] ^= 1; // EAX, the count read
            return Map.of();
        })).isInstanceOf(ProcessSliceException.class).hasMessageContaining("the process diverged at user instruction");
    }

    @Test
    void anUnknownProcessIsOneLineListingThePidsAndNoFile() {
        Path out = tmp.resolve("nobody.kslice");
        Cli.Outcome r = Cli.run("", "slice", rec.toString(), "--process", "nosuchprog", "-o", out.toString());
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.err()).contains("no process 'nosuchprog' in the recording; pids seen: 1 init, 2 init/sh, ").doesNotContain("\tat ");
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(out).doesNotExist();
        Cli.Outcome byPid = Cli.run("", "slice", rec.toString(), "--process", "999", "-o", out.toString());
        assertThat(byPid.exitCode()).isEqualTo(4);
        assertThat(byPid.err()).contains("no process pid 999");
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
