package dev.kerf.cli.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class TimelineSvgTest {
    private static Timeline sample() {
        Timeline t = new Timeline();
        t.span(1, "init", 0, 1000, true);
        t.span(1, "init", 1000, 1500, false);
        t.span(2, "sh", 1500, 4000, true);
        t.mark(2, "sh", 2000, Timeline.MarkKind.SYSCALL, "read(0, 0xbffffda0, 128) = 3 <\"&\">");
        t.span(3, "buggy", 4000, 6000, true);
        t.mark(3, "buggy", 5999, Timeline.MarkKind.FAULT, "page fault at 0x746e4920, eip 0x080495ef");
        t.mark(3, "buggy", 6000, Timeline.MarkKind.EXIT, "exit 139");
        t.irq(1200, 0x20);
        t.irq(3000, 0x24);
        t.output(1600, "$ ");
        t.output(1600, "ls\n");
        t.output(2500, "bin\u0001 etc\n");
        t.end(8000);
        return t;
    }

    private static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void isWellFormedSvgWithOneRowPerProcessAndEveryMark() throws Exception {
        String svg = TimelineSvg.render(sample(), "bugreport <rec>");
        Document doc = parse(svg);
        assertThat(doc.getDocumentElement().getNodeName()).isEqualTo("svg");
        assertThat(svg).contains(">1 init<", ">2 sh<", ">3 buggy<", "bugreport &lt;rec&gt;");
        assertThat(svg).contains("read(0, 0xbffffda0, 128) = 3 &lt;&quot;&amp;&quot;&gt;");
        assertThat(svg).contains("page fault at 0x746e4920").contains("IRQ vector 0x24 at icount 3000");
        assertThat(svg).contains("1600: $ ls").contains("bin\\x01 etc"); // same-icount output joined, control char shown
        assertThat(doc.getElementsByTagName("title").getLength()).isEqualTo(3 + 2 + 2); // marks, interrupts, output chunks
    }

    @Test
    void sameTimelineGivesSameBytes() {
        assertThat(TimelineSvg.render(sample(), "x")).isEqualTo(TimelineSvg.render(sample(), "x"));
    }

    @Test
    void contiguousSpansOfOneModeMergeAndSubPixelRunsCollapse() {
        Timeline t = new Timeline();
        for (int i = 0; i < 10_000; i++) t.span(1, "p", i * 10L, i * 10L + 9, true); // gaps of 1 insn
        t.end(100_000);
        String svg = TimelineSvg.render(t, "x");
        assertThat(svg.split("<rect x=").length - 1).isLessThan(10); // not ten thousand rectangles
        assertThat(t.lanes().get(1).spans()).hasSize(10_000);
        Timeline u = new Timeline();
        u.span(1, "p", 0, 10, true);
        u.span(1, "p", 10, 20, true);
        assertThat(u.lanes().get(1).spans()).containsExactly(new Timeline.Span(0, 20, true));
    }

    @Test
    void execRenamesTheLaneAndKeepsItsHistory() {
        Timeline t = new Timeline();
        t.span(4, "sh", 0, 10, true);
        t.span(4, "buggy", 10, 20, true);
        assertThat(t.lanes().get(4).name()).isEqualTo("buggy");
        assertThat(t.lanes().get(4).spans()).hasSize(1);
    }

    @Test
    void axisStepsAreRoundNumbers() {
        assertThat(TimelineSvg.niceStep(1234)).isEqualTo(2000);
        assertThat(TimelineSvg.niceStep(100)).isEqualTo(100);
        assertThat(TimelineSvg.niceStep(0.3)).isEqualTo(1);
        assertThat(TimelineSvg.human(12_500_000)).isEqualTo("12.5M");
        assertThat(TimelineSvg.human(3_000)).isEqualTo("3k");
    }
}
