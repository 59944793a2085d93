package dev.kerf.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, finding 4: terminal control bytes in a file never reach the terminal. A recording
 * whose image name, cmdline and clock hold {@code ESC[2J ESC[31m FAKE: all checks passed}, a pack
 * whose entry name holds it, a slice whose source name and kind hold it: {@code kerf info},
 * {@code unpack}, {@code replay} print it as {@code \x1b[2J\x1b[31m ...} and no ESC byte reaches
 * stdout or stderr.
 */
class PrintableTest {
    static final String FAKE = "\u001b[2J\u001b[31m FAKE: all checks passed";
    static final String SHOWN = "\\x1b[2J\\x1b[31m FAKE: all checks passed";
    /** The same text as a JSON string's contents. */
    static final String FAKE_JSON = "\\u001b[2J\\u001b[31m FAKE: all checks passed";

    @TempDir
    static Path tmp;
    private static Path rec, slice;

    @BeforeAll
    static void recordAndSlice() throws Exception {
        rec = tmp.resolve("bugreport.kerf");
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString()), "scenario=bugreport"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        Matcher fault = Pattern.compile("buggy\\[(\\d+)\\]: page fault").matcher(r.out());
        assertThat(fault.find()).as(r.out()).isTrue();
        slice = tmp.resolve("buggy.kslice");
        Cli.Outcome s = Cli.run("", "slice", rec.toString(), "--process", fault.group(1), "-o", slice.toString());
        assertThat(s.exitCode()).as(s.err()).isZero();
    }

    @Test
    void escapesControlCharactersAndDoublesBackslashes() {
        assertThat(Printable.escape(FAKE)).isEqualTo(SHOWN);
        assertThat(Printable.escape("a\\b")).isEqualTo("a\\\\b");
        assertThat(Printable.escape("tab\tnl\ncr\rnul\0del\u007fcsi\u009bend")).isEqualTo("tab\\x09nl\\x0acr\\x0dnul\\x00del\\x7fcsi\\x9bend");
        assertThat(Printable.escape("lone \ud800 surrogate")).isEqualTo("lone \\ud800 surrogate");
        assertThat(Printable.escape("plain ünïcödé \ud83d\ude00 text")).isEqualTo("plain ünïcödé \ud83d\ude00 text");
        assertThat(Printable.escape(new byte[] {'o', 'k', (byte) 0xFF, 0x1B, '[', (byte) 0xC3, (byte) 0xA9, (byte) 0xC3}))
                .isEqualTo("ok\\xff\\x1b[é\\xc3");
    }

    @Test
    void infoShowsAHostileImageNameCmdlineAndClockEscaped() throws Exception {
        Path copy = copyRecording("names.kerf");
        Path manifest = copy.resolve("manifest.json");
        String m = Files.readString(manifest);
        String fake = Matcher.quoteReplacement(FAKE_JSON);
        m = m.replaceFirst("\"name\": \"[^\"]*kernel.elf\"", "\"name\": \"" + fake + "\"")
                .replaceFirst("\"cmdline\": \"scenario=bugreport\"", "\"cmdline\": \"" + fake + "\"")
                .replaceFirst("\"clock\": \"[a-z]+\"", "\"clock\": \"" + fake + "\"");
        assertThat(m).contains(FAKE_JSON);
        Files.writeString(manifest, m);
        Cli.Outcome info = Cli.run("", "info", copy.toString());
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertNoEscape(info);
        assertThat(info.out()).contains("kernel:        " + SHOWN + " (34408 bytes", "cmdline:       " + SHOWN)
                .contains("RAM, " + SHOWN + " clock");
        Cli.Outcome json = Cli.run("", "info", copy.toString(), "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertNoEscape(json);
        assertThat(json.out()).contains("\"name\":\"" + FAKE_JSON + "\"");
    }

    @Test
    void aPackEntryNamedWithControlBytesIsRefusedWithTheNameEscaped() throws Exception {
        Path pack = tmp.resolve("names.kpack");
        Cli.Outcome p = Cli.run("", "pack", rec.toString(), "-o", pack.toString());
        assertThat(p.exitCode()).as(p.err()).isZero();
        byte[] b = Files.readAllBytes(pack);
        // entry 1 (the kernel image): type at 16 + 3 + 13 + 12 = 44, its name "images/<64 hex>" after 3 more bytes
        int entry1 = 16 + 3 + "manifest.json".length() + 12;
        assertThat(b[entry1]).isEqualTo((byte) 2);
        byte[] fake = FAKE.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(fake, 0, b, entry1 + 3 + "images/".length(), fake.length);
        int tableEnd = tableEnd(b);
        ByteBuffer.wrap(b, tableEnd, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(crc(b, 0, tableEnd));
        Files.write(pack, b);
        for (String[] args : new String[][] {{"unpack", pack.toString(), "-o", tmp.resolve("names-unpacked").toString()},
                {"info", pack.toString()}, {"replay", "-q", pack.toString()}}) {
            Cli.Outcome r = Cli.run("", args);
            assertThat(r.exitCode()).as(r.err()).isEqualTo(12);
            assertNoEscape(r);
            assertThat(r.err()).contains("named \"images/" + SHOWN);
        }
        assertThat(tmp.resolve("names-unpacked")).doesNotExist();
    }

    @Test
    void aSliceWhoseSourceNameOrKindHoldsControlBytesPrintsThemEscaped() throws Exception {
        Path named = tmp.resolve("named.kslice");
        Files.write(named, withHeader(Files.readAllBytes(slice), h -> h.replaceFirst("(\"source\": \\{\"id\": \"[0-9a-f]{64}\", \"name\": )\"[^\"]*\"",
                "$1\"" + Matcher.quoteReplacement(FAKE_JSON) + "\"")));
        Cli.Outcome info = Cli.run("", "info", named.toString());
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertNoEscape(info);
        assertThat(info.out()).contains("source:        " + SHOWN + " (recording id ");

        Path kind = tmp.resolve("kind.kslice");
        Files.write(kind, withHeader(Files.readAllBytes(slice), h -> h.replaceFirst("\"kind\": \"process\"", "\"kind\": \"" + Matcher.quoteReplacement(FAKE_JSON) + "\"")));
        for (String verb : List.of("info", "replay", "--verbose")) {
            Cli.Outcome r = verb.equals("--verbose") ? Cli.run("", "--verbose", "info", kind.toString()) : Cli.run("", verb, kind.toString());
            assertThat(r.exitCode()).as(r.err()).isEqualTo(12);
            assertNoEscape(r);
            assertThat(r.err()).contains("unknown slice kind \"" + SHOWN + "\"");
        }
    }

    private static void assertNoEscape(Cli.Outcome r) {
        assertThat(r.out()).doesNotContain("\u001b").doesNotContain("\u009b");
        assertThat(r.err()).doesNotContain("\u001b").doesNotContain("\u009b");
    }

    private static Path copyRecording(String name) throws Exception {
        Path to = tmp.resolve(name);
        try (var w = Files.walk(rec)) {
            for (Path p : w.toList()) {
                Path d = to.resolve(rec.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(d);
                else Files.copy(p, d);
            }
        }
        return to;
    }

    /** The slice with its header section's JSON rewritten and the section re-framed (length, CRC-32C). */
    private static byte[] withHeader(byte[] s, java.util.function.UnaryOperator<String> edit) {
        ByteBuffer b = ByteBuffer.wrap(s).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(s[12]).isEqualTo((byte) 1);
        int len = b.getInt(13);
        String json = edit.apply(new String(s, 17, len, StandardCharsets.UTF_8));
        byte[] data = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(s.length - len + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(s, 0, 12).put((byte) 1).putInt(data.length).put(data);
        out.putInt(crc(out.array(), 12, 5 + data.length));
        out.put(s, 12 + 9 + len, s.length - (12 + 9 + len));
        return out.array();
    }

    private static int tableEnd(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int count = bb.getInt(12), p = 16;
        for (int i = 0; i < count; i++) p += 3 + (bb.getShort(p + 1) & 0xFFFF) + 12;
        return p;
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }
}
