package dev.kerf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** {@code kerf timeline} on a recorded bugreport: every process's row, buggy's fault, interrupts and console text. */
class TimelineCommandTest {
    @TempDir
    static Path tmp;
    private static Path rec;

    @BeforeAll
    static void recordTheBugreport() throws Exception {
        rec = tmp.resolve("bugreport.kerf");
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString()), "scenario=bugreport"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    }

    @Test
    void svgShowsEveryProcessBuggysFaultInterruptsAndTheConsole() throws Exception {
        Path svg = tmp.resolve("t.svg");
        Cli.Outcome r = Cli.run("", "timeline", rec.toString(), "-o", svg.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).containsPattern("kerf timeline: \\d+ processes, [1-9]\\d* interrupts, [1-9]\\d* console lines");
        String text = Files.readString(svg);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getNodeName()).isEqualTo("svg");
        for (String lane : List.of(">1 init<", " sh<", " vault<", " login<", " buggy<")) assertThat(text).contains(lane);
        assertThat(text).contains("page fault at 0x746e4920, eip 0x080495ef").contains("killed")
                .contains("IRQ vector 0x20").contains("open(&quot;/");
        assertThat(Files.readString(svg)).isEqualTo(text);
        Cli.Outcome again = Cli.run("", "timeline", rec.toString(), "-o", "-");
        assertThat(again.out()).isEqualTo(text); // same recording, same picture
    }

    @Test
    void htmlWrapsTheSameSvg() throws Exception {
        Path html = tmp.resolve("t.html");
        Cli.Outcome r = Cli.run("", "timeline", rec.toString(), "-o", html.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").contains("<svg ").contains(" buggy<");
    }

    @Test
    void badOutputNamesAndBadRecordingsLeaveNoFile() {
        Cli.Outcome png = Cli.run("", "timeline", rec.toString(), "-o", tmp.resolve("t.png").toString());
        assertThat(png.exitCode()).isEqualTo(2);
        assertThat(png.err()).contains("-o must name a .svg or .html file");
        Path out = tmp.resolve("none.svg");
        Cli.Outcome missing = Cli.run("", "timeline", tmp.resolve("no-such.kerf").toString(), "-o", out.toString());
        assertThat(missing.exitCode()).isEqualTo(12);
        assertThat(missing.err()).startsWith("kerf: ").doesNotContain("Exception");
        assertThat(out).doesNotExist();
    }
}
