package dev.kerf.cli.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mutations of a valid file, chosen by a seeded random source (the same seed gives the same
 * bytes): truncation at every section boundary and at random points, bit flips, byte runs,
 * length fields set to huge values, section duplication and reordering, wrong version numbers and,
 * for JSON, hostile values — with the format's CRCs recomputed afterwards most of the time, so
 * the decoder's semantic checks are reached.
 */
final class Mutator {
    /** The mutated bytes and what was done, for the report and a reproduction. */
    record Mutation(byte[] bytes, String what) {}

    private static final long[] HUGE = {0xFFFFFFFFL, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFF0L, 0x40000000L, 0x10000000L};
    private static final String[] JSON_VALUES = {"\"\\u001b[2J\\u001b[31m FAKE: all checks passed\"", "99999999999999999999",
        "-9223372036854775808", "9223372036854775807", "-1", "0", "1.5", "1e9", "null", "true", "[]", "{}", "\"\"",
        "\"\\ud800\"", "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]", "\"" + "A".repeat(5000) + "\"", "\"\\u0000\\u007f\\u009b\""};

    private Mutator() {}

    static Mutation mutate(byte[] seed, Layout layout, SplittableRandom r) {
        int rounds = r.nextInt(8) == 0 ? 2 + r.nextInt(2) : 1;
        byte[] b = seed;
        StringBuilder what = new StringBuilder();
        for (int i = 0; i < rounds; i++) {
            Mutation m = once(b, layout, r);
            b = m.bytes();
            if (what.length() > 0) what.append("; ");
            what.append(m.what());
        }
        return new Mutation(b, what.toString());
    }

    private static Mutation once(byte[] b, Layout layout, SplittableRandom r) {
        List<Layout.Region> regions = layout.regions(b);
        boolean text = layout == Layout.RAW && looksLikeText(b);
        int kind = r.nextInt(text || layout == Layout.SLICE ? 9 : 8);
        boolean fix = layout != Layout.RAW && r.nextInt(4) != 0 && layout.hasCrc();
        byte[] out;
        String what;
        switch (kind) {
            case 0 -> { // truncation at a section boundary (or one byte either side of it)
                List<Integer> cuts = new ArrayList<>();
                for (Layout.Region g : regions) {
                    cuts.add(g.start());
                    cuts.add(g.end());
                    if (g.lengthAt() >= 0) cuts.add(g.lengthAt() + Math.max(1, g.lengthSize() / 2));
                }
                for (int v : layout.versionFields) cuts.add(v);
                cuts.add(0);
                int at = Math.max(0, Math.min(b.length, cuts.get(r.nextInt(cuts.size())) + r.nextInt(3) - 1));
                return new Mutation(Arrays.copyOf(b, at), "truncated at " + at + " (boundary) of " + b.length);
            }
            case 1 -> {
                int at = b.length == 0 ? 0 : r.nextInt(b.length);
                return new Mutation(Arrays.copyOf(b, at), "truncated at " + at + " of " + b.length);
            }
            case 2 -> {
                out = b.clone();
                int n = 1 + r.nextInt(8);
                StringBuilder at = new StringBuilder();
                for (int i = 0; i < n && out.length > 0; i++) {
                    int p = position(out.length, regions, r);
                    out[p] ^= (byte) (1 << r.nextInt(8));
                    at.append(i == 0 ? "" : ",").append(p);
                }
                what = n + " bit flips at " + at;
            }
            case 3 -> {
                out = b.clone();
                if (out.length == 0) return new Mutation(out, "nothing to overwrite");
                int p = position(out.length, regions, r);
                int len = Math.min(out.length - p, 1 + r.nextInt(r.nextBoolean() ? 8 : 256));
                int v = switch (r.nextInt(4)) { case 0 -> 0; case 1 -> 0xFF; case 2 -> 0x80; default -> r.nextInt(256); };
                Arrays.fill(out, p, p + len, (byte) v);
                what = len + " bytes of 0x" + Integer.toHexString(v) + " at " + p;
            }
            case 4 -> { // length-field inflation
                out = b.clone();
                List<Layout.Region> withLength = regions.stream().filter(g -> g.lengthSize() > 0 && g.lengthAt() + g.lengthSize() <= b.length).toList();
                long huge = HUGE[r.nextInt(HUGE.length)];
                if (!withLength.isEmpty() && r.nextInt(3) != 0) {
                    Layout.Region g = withLength.get(r.nextInt(withLength.size()));
                    if (g.lengthSize() == 8) {
                        long v = r.nextBoolean() ? huge : (r.nextBoolean() ? Long.MAX_VALUE : -1L);
                        Layout.putU64(out, g.lengthAt(), v);
                        what = "length u64 at " + g.lengthAt() + " = " + Long.toUnsignedString(v);
                    } else {
                        long old = Layout.u32(out, g.lengthAt());
                        long v = r.nextBoolean() ? huge : old + 1 + r.nextInt(64);
                        Layout.putU32(out, g.lengthAt(), (int) v);
                        what = "length u32 at " + g.lengthAt() + " = " + v + " (was " + old + ")";
                    }
                } else if (out.length >= 8) { // a field inside a section: 32 or 64 bits, aligned or not
                    boolean wide = r.nextBoolean();
                    int p = r.nextInt(out.length - (wide ? 7 : 3));
                    if (r.nextBoolean()) p &= ~3;
                    if (wide) Layout.putU64(out, p, r.nextBoolean() ? Long.MAX_VALUE : huge << 32 | huge);
                    else Layout.putU32(out, p, (int) huge);
                    what = (wide ? "u64" : "u32") + " at " + p + " = huge (0x" + Long.toHexString(huge) + ")";
                } else {
                    what = "too short to inflate";
                }
                fix = layout != Layout.RAW && r.nextInt(8) != 0 && layout.hasCrc();
            }
            case 5 -> { // duplicate a section
                List<Layout.Region> rs = movable(layout, b, regions);
                if (rs.isEmpty()) return new Mutation(b.clone(), "no section to duplicate");
                Layout.Region g = rs.get(r.nextInt(rs.size()));
                out = splice(b, g.end(), Arrays.copyOfRange(b, g.start(), g.end()));
                what = "section [" + g.start() + "," + g.end() + ") duplicated";
                fix = layout.hasCrc();
            }
            case 6 -> { // swap two neighbouring sections
                List<Layout.Region> rs = movable(layout, b, regions);
                if (rs.size() < 2) return new Mutation(b.clone(), "no sections to reorder");
                int i = r.nextInt(rs.size() - 1);
                Layout.Region x = rs.get(i), y = rs.get(i + 1);
                if (x.end() != y.start()) return new Mutation(b.clone(), "sections not adjacent");
                out = b.clone();
                int lx = x.end() - x.start(), ly = y.end() - y.start();
                System.arraycopy(b, y.start(), out, x.start(), ly);
                System.arraycopy(b, x.start(), out, x.start() + ly, lx);
                what = "sections at " + x.start() + " and " + y.start() + " swapped";
                fix = layout.hasCrc();
            }
            case 7 -> { // wrong version
                out = b.clone();
                if (layout.versionFields.length == 0) {
                    int at = versionOfExcerpt(b, regions);
                    if (at < 0 || at >= out.length) return new Mutation(out, "no version field");
                    int v = new int[] {1, 3, 0xFF, 0}[r.nextInt(4)];
                    out[at] = (byte) v;
                    what = "excerpt major version at " + at + " = " + v;
                } else {
                    int at = layout.versionFields[r.nextInt(layout.versionFields.length)];
                    if (at + 2 > out.length) return new Mutation(out, "no version field");
                    int v = new int[] {0, 2, 0xFF, 0xFFFF, (out[at] & 0xFF) + 1}[r.nextInt(5)];
                    out[at] = (byte) v;
                    if (layout != Layout.ELF) out[at + 1] = (byte) (v >> 8);
                    what = "version at " + at + " = " + v;
                }
                fix = layout.hasCrc();
            }
            default -> { // JSON: a value replaced by a hostile one (a slice: in its header section, re-framed with its CRC)
                if (layout == Layout.SLICE) return sliceHeader(b, regions, r);
                String s = new String(b, StandardCharsets.UTF_8);
                List<int[]> values = jsonValues(s);
                if (values.isEmpty()) return new Mutation(b.clone(), "no JSON value");
                int[] v = values.get(r.nextInt(values.size()));
                String repl = JSON_VALUES[r.nextInt(JSON_VALUES.length)];
                String t = s.substring(0, v[0]) + repl + s.substring(v[1]);
                return new Mutation(t.getBytes(StandardCharsets.UTF_8), "JSON value at " + v[0] + " = " + abbreviate(repl));
            }
        }
        if (fix) layout.fixCrcs(out);
        return new Mutation(out, what + (fix ? ", CRCs recomputed" : ""));
    }

    /**
     * A byte to damage: half the time anywhere, half the time in a section chosen first (so a
     * 362-byte CPU section is hit as often as a 280 KB page map).
     */
    private static int position(int length, List<Layout.Region> regions, SplittableRandom r) {
        List<Layout.Region> in = regions.stream().filter(g -> g.end() > g.start() && g.end() <= length).toList();
        if (in.isEmpty() || r.nextBoolean()) return r.nextInt(length);
        Layout.Region g = in.get(r.nextInt(in.size()));
        return g.start() + r.nextInt(g.end() - g.start());
    }

    private static Mutation sliceHeader(byte[] b, List<Layout.Region> regions, SplittableRandom r) {
        if (regions.isEmpty() || b[regions.get(0).start()] != 1) return new Mutation(b.clone(), "no header section");
        Layout.Region h = regions.get(0);
        Mutation json = once(Arrays.copyOfRange(b, h.start() + 5, h.end() - 4), Layout.RAW, r);
        byte[] data = json.bytes();
        byte[] section = new byte[data.length + 9];
        section[0] = 1;
        Layout.putU32(section, 1, data.length);
        System.arraycopy(data, 0, section, 5, data.length);
        Layout.putU32(section, 5 + data.length, Layout.crc(section, 0, 5 + data.length));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(b, 0, h.start());
        o.writeBytes(section);
        o.write(b, h.end(), b.length - h.end());
        return new Mutation(o.toByteArray(), "header JSON: " + json.what() + ", re-framed with its CRC");
    }

    /** Sections that can be moved whole: the slice's and checkpoint's sections, excerpts, pcap records, pack table entries. */
    private static List<Layout.Region> movable(Layout layout, byte[] b, List<Layout.Region> regions) {
        return switch (layout) {
            case JOURNAL -> Layout.excerpts(b);
            case SLICE, PCAP, CHECKPOINT -> regions.stream().filter(g -> g.start() >= layout.first).toList();
            case PACK -> regions.stream().filter(g -> g.lengthSize() == 8).toList();
            default -> regions;
        };
    }

    private static int versionOfExcerpt(byte[] b, List<Layout.Region> regions) {
        List<Layout.Region> x = Layout.excerpts(b);
        return x.isEmpty() ? -1 : x.get(0).start() + 4 + 2;
    }

    private static byte[] splice(byte[] b, int at, byte[] insert) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(b.length + insert.length);
        o.write(b, 0, at);
        o.writeBytes(insert);
        o.write(b, at, b.length - at);
        return o.toByteArray();
    }

    private static boolean looksLikeText(byte[] b) {
        return b.length > 0 && b[0] == '{';
    }

    /** [start, end) of every string and number value in a JSON text (keys excluded). */
    static List<int[]> jsonValues(String s) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != '"') j += s.charAt(j) == '\\' ? 2 : 1;
                int k = j + 1;
                while (k < s.length() && Character.isWhitespace(s.charAt(k))) k++;
                boolean key = k < s.length() && s.charAt(k) == ':';
                if (!key) out.add(new int[] {i, Math.min(j + 1, s.length())});
                i = j;
            } else if (c == '-' || Character.isDigit(c)) {
                int j = i;
                while (j < s.length() && (s.charAt(j) == '-' || Character.isDigit(s.charAt(j)))) j++;
                out.add(new int[] {i, j});
                i = j - 1;
            }
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
