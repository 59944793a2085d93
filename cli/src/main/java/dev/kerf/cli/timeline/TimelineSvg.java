package dev.kerf.cli.timeline;

import java.util.Locale;

/**
 * Draws a {@link Timeline} as one self-contained SVG: a row per process (solid where it ran its
 * own code, pale where the kernel ran on its behalf, ticks for syscalls, red triangles for faults),
 * a row of interrupts, a row of console output, and an icount axis. Every mark carries a
 * {@code <title>}, so a browser shows the details on hover. Output is a pure function of the
 * timeline (no clock, no locale): the same recording gives the same bytes.
 */
public final class TimelineSvg {
    private static final int WIDTH = 1600, LEFT = 180, RIGHT = 24, TOP = 48;
    private static final int LANE = 28, IRQ_ROW = 22, CONSOLE_ROW = 70, AXIS = 36;
    private static final double CHAR_PX = 6.6;
    private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948",
        "#9c755f", "#e15759", "#bab0ac", "#ff9da7"};

    private final Timeline t;
    private final String title;
    private final StringBuilder svg = new StringBuilder(1 << 16);
    private final double scale;

    private TimelineSvg(Timeline t, String title) {
        this.t = t;
        this.title = title;
        this.scale = (WIDTH - LEFT - RIGHT) / (double) Math.max(1, t.end());
    }

    public static String render(Timeline timeline, String title) {
        return new TimelineSvg(timeline, title).draw();
    }

    private String draw() {
        int lanes = t.lanes().size();
        int irqTop = TOP + lanes * LANE + 8;
        int consoleTop = irqTop + IRQ_ROW + 8;
        int axisTop = consoleTop + CONSOLE_ROW + 4;
        int height = axisTop + AXIS;
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans Mono, monospace\" font-size=\"11\">\n",
                WIDTH, height, WIDTH, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        text(LEFT, 20, "font-size=\"14\" font-weight=\"bold\"", title);
        text(LEFT, 36, "fill=\"#555\"", String.format(Locale.ROOT, "%,d instructions · solid: user mode · pale:"
                + " kernel on its behalf · ticks: syscalls · red: faults", t.end()));
        int row = 0;
        for (Timeline.Lane lane : t.lanes().values()) {
            lane(lane, TOP + row * LANE, PALETTE[row % PALETTE.length]);
            row++;
        }
        irqs(irqTop);
        console(consoleTop);
        axis(axisTop, TOP, consoleTop + CONSOLE_ROW);
        svg.append("</svg>\n");
        return svg.toString();
    }

    private void lane(Timeline.Lane lane, int y, String color) {
        text(8, y + 17, "", lane.pid() + " " + lane.name());
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#eee\"/>\n",
                LEFT, y + LANE - 2, WIDTH - RIGHT, y + LANE - 2));
        // Neighbouring spans narrower than a pixel merge into one rectangle: the file stays small
        // and the picture is the same.
        double runX = -1, runEnd = -1;
        boolean runUser = false;
        for (Timeline.Span s : lane.spans()) {
            double x0 = x(s.from()), x1 = x(s.to());
            if (runX >= 0 && s.user() == runUser && x0 - runEnd < 0.5) {
                runEnd = Math.max(runEnd, x1);
                continue;
            }
            if (runX >= 0) spanRect(runX, runEnd, y, runUser, color);
            runX = x0;
            runEnd = x1;
            runUser = s.user();
        }
        if (runX >= 0) spanRect(runX, runEnd, y, runUser, color);
        for (Timeline.Mark m : lane.marks()) mark(m, y);
    }

    private void spanRect(double x0, double x1, int y, boolean user, String color) {
        svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"%s/>\n",
                x0, y + 6, Math.max(0.6, x1 - x0), LANE - 12, color, user ? "" : " fill-opacity=\"0.3\""));
    }

    private void mark(Timeline.Mark m, int y) {
        double x = x(m.icount());
        switch (m.kind()) {
            case SYSCALL -> svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"1\" height=\"5\" fill=\"#222\"><title>%s</title></rect>\n",
                    x, y + 1, esc(m.text())));
            case FAULT -> svg.append(String.format(Locale.ROOT,
                    "<path d=\"M%.1f %d l5 9 h-10 z\" fill=\"#d62728\"><title>%s</title></path>\n", x, y + 8, esc(m.text())));
            case EXIT -> svg.append(String.format(Locale.ROOT,
                    "<path d=\"M%.1f %d l4 5 l-4 5 l-4 -5 z\" fill=\"#000\"><title>%s</title></path>\n", x, y + 9, esc(m.text())));
        }
    }

    private void irqs(int y) {
        text(8, y + 15, "", "interrupts");
        double lastX = -1;
        int lastVector = -1;
        for (Timeline.Irq irq : t.irqs()) {
            double x = x(irq.icount());
            if (Math.abs(x - lastX) < 0.5 && irq.vector() == lastVector) continue; // same pixel, same colour
            lastX = x;
            lastVector = irq.vector();
            String color = irq.vector() == 0x20 ? "#999" : PALETTE[(irq.vector() + 3) % PALETTE.length];
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"1\" height=\"%d\" fill=\"%s\">"
                    + "<title>IRQ vector 0x%x at icount %d</title></rect>\n", x, y + 3, IRQ_ROW - 6, color,
                    irq.vector(), irq.icount()));
        }
    }

    private void console(int y) {
        text(8, y + 15, "", "console");
        double[] freeFrom = new double[3]; // per text line: where the last label ends
        for (Timeline.Output o : t.outputs()) {
            double x = x(o.icount());
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"1\" height=\"6\" fill=\"#2a7\">"
                    + "<title>%s</title></rect>\n", x, y, esc(o.icount() + ": " + o.text())));
            String shown = o.text().replaceAll("[\\r\\n]+", " ⏎ ").strip();
            if (shown.isEmpty()) continue;
            int maxChars = (int) Math.max(4, Math.min(40, (WIDTH - RIGHT - x) / CHAR_PX));
            if (shown.length() > maxChars) shown = shown.substring(0, maxChars - 1) + "…";
            for (int line = 0; line < freeFrom.length; line++) {
                if (x < freeFrom[line]) continue; // no room on this line; no line free: the tick and its title remain
                text(x + 2, y + 20 + line * 16, "fill=\"#174\"", shown);
                freeFrom[line] = x + shown.length() * CHAR_PX + 8;
                break;
            }
        }
    }

    private void axis(int y, int gridTop, int gridBottom) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
                LEFT, y, WIDTH - RIGHT, y));
        long step = niceStep(t.end() / 10.0);
        for (long v = 0; v <= t.end(); v += step) {
            double x = x(v);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n",
                    x, gridTop, x, gridBottom));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>\n",
                    x, y, x, y + 5));
            text(x - 12, y + 18, "", human(v));
        }
        text(8, y + 18, "fill=\"#555\"", "icount");
    }

    private double x(long icount) {
        return LEFT + icount * scale;
    }

    private void text(double x, double y, String attrs, String s) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" %s>%s</text>\n", x, y, attrs, esc(s)));
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static long niceStep(double raw) {
        long p = 1;
        while (p * 10 <= raw) p *= 10;
        for (long m : new long[] {1, 2, 5, 10}) {
            if (p * m >= raw) return p * m;
        }
        return p * 10;
    }

    static String human(long v) {
        if (v >= 1_000_000) return trim(v / 1e6) + "M";
        if (v >= 1_000) return trim(v / 1e3) + "k";
        return Long.toString(v);
    }

    private static String trim(double d) {
        String s = String.format(Locale.ROOT, "%.1f", d);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    /** XML text: escapes markup and drops control characters XML 1.0 cannot carry. */
    public static String escape(String s) {
        return esc(s);
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t') b.append(c);
                    else b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
                }
            }
        }
        return b.toString();
    }
}
