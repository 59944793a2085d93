package dev.kerf.cli;

import dev.kerf.formats.journal.EventKind;
import dev.kerf.formats.recording.Manifest;

import java.util.Locale;

/** {@code kerf info --json}: the summary as one JSON object (keys documented in docs/cli.md). */
final class InfoJson {
    private InfoJson() {}

    static String of(RecordingSummary s) {
        Manifest m = s.manifest();
        StringBuilder b = new StringBuilder("{");
        field(b, "recording", str(s.path().toString()));
        field(b, "formatVersion", Integer.toString(m.formatVersion()));
        field(b, "kerfVersion", str(m.kerfVersion()));
        field(b, "startedAt", str(m.startedAt()));
        field(b, "ramBytes", Integer.toString(m.ramBytes()));
        field(b, "clock", str(m.clock()));
        field(b, "stateHashEvery", Long.toString(m.stateHashEvery()));
        field(b, "cmdline", str(m.cmdline()));
        field(b, "instructions", Long.toString(s.icount()));
        field(b, "hostSeconds", s.hostDuration() == null ? "null" : seconds(s.hostDuration().toMillis() / 1e3));
        field(b, "hostSecondsFrom", str(s.hostDuration() == null ? null : s.hostFromMtime() ? "journal-mtime" : "end-event"));
        field(b, "guestSeconds", guestSeconds(s));
        field(b, "cutShort", Boolean.toString(s.cutShort()));
        field(b, "end", s.end() == null ? "null" : "{\"reason\":" + str(s.end().reason().name()) + ",\"status\":"
                + s.end().status() + ",\"hostMillis\":" + s.end().hostMillis() + "}");
        field(b, "stickyPorts", s.manifest().stickyPorts().toString().replace(" ", ""));
        field(b, "portReads", Long.toString(s.portReads()));
        field(b, "events", Long.toString(s.events()));
        StringBuilder kinds = new StringBuilder("{");
        for (EventKind k : EventKind.values()) field(kinds, k.name(), s.counts().get(k).toString());
        field(b, "eventsByKind", close(kinds, '}'));
        StringBuilder bytes = new StringBuilder("{");
        for (EventKind k : EventKind.values()) field(bytes, k.name(), s.bytes().get(k).toString());
        field(b, "bytesByKind", close(bytes, '}'));
        field(b, "excerpts", Long.toString(s.excerpts()));
        field(b, "journalBytes", Long.toString(s.journalBytes()));
        StringBuilder images = new StringBuilder("[");
        for (Manifest.ImageRef r : s.images()) {
            images.append("{\"name\":").append(str(r.name())).append(",\"size\":").append(r.size())
                    .append(",\"sha256\":").append(str(r.sha256())).append(",\"cmdline\":").append(str(r.cmdline()))
                    .append("},");
        }
        field(b, "images", close(images, ']'));
        field(b, "integrity", str("ok"));
        return close(b, '}') + "\n";
    }

    /** Guest seconds: host clock = host time; virtual clock = 1 ns per instruction (idle skips not recorded). */
    private static String guestSeconds(RecordingSummary s) {
        if ("virtual".equals(s.manifest().clock())) return seconds(s.icount() / 1e9);
        return s.hostDuration() == null ? "null" : seconds(s.hostDuration().toMillis() / 1e3);
    }

    private static String seconds(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static void field(StringBuilder b, String key, String jsonValue) {
        b.append(str(key)).append(':').append(jsonValue).append(',');
    }

    private static String close(StringBuilder b, char closer) {
        if (b.charAt(b.length() - 1) == ',') b.setLength(b.length() - 1);
        return b.append(closer).toString();
    }

    static String str(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
