package dev.kerf.emulator.introspect.linux;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Synthetic kallsyms tables for tests, written the way scripts/kallsyms.c writes them (written
 * here from the layout, not from the kernel's code): a token table where every character used is
 * its own token and the other codes hold frequent substrings, names compressed greedily, markers
 * every 256 names, offsets from a relative base (or absolute addresses), optionally
 * {@code kallsyms_seqs_of_names}, in the order of Linux 6.1 or of 6.4.
 */
final class KallsymsImage {
    enum Order { LINUX_6_1, LINUX_6_4 }

    record Sym(char type, String name, long address) {}

    /** Where each table went in the image, relative to its start. */
    record Offsets(int numSyms, int names, int markers, int seqs, int tokenTable, int tokenIndex, int addresses, int relativeBase) {}

    final byte[] bytes;
    final Offsets at;
    final byte[][] tokens;

    private KallsymsImage(byte[] bytes, Offsets at, byte[][] tokens) {
        this.bytes = bytes;
        this.at = at;
        this.tokens = tokens;
    }

    static KallsymsImage build(List<Sym> syms, Order order, boolean baseRelative, boolean seqs) {
        byte[][] tokens = tokens(syms);
        List<byte[]> names = new ArrayList<>();
        for (Sym s : syms) names.add(compress(s.type() + s.name(), tokens));
        Out out = new Out();
        int n = syms.size();
        long base = syms.get(0).address();
        int addressesAt = -1, relativeAt = -1;
        if (order == Order.LINUX_6_1) {
            addressesAt = out.size();
            for (Sym s : syms) out.u32(baseRelative ? s.address() - base : s.address());
            if (baseRelative) {
                relativeAt = out.size();
                out.u32(base);
            }
        }
        int numSymsAt = out.align().size();
        out.u32(n);
        int namesAt = out.size();
        int[] markers = new int[(n + 255) / 256];
        for (int i = 0; i < n; i++) {
            if (i % 256 == 0) markers[i / 256] = out.size() - namesAt;
            byte[] c = names.get(i);
            if (c.length >= 0x80) {
                out.u8(0x80 | (c.length & 0x7F));
                out.u8(c.length >> 7);
            } else {
                out.u8(c.length);
            }
            out.bytes(c);
        }
        int markersAt = out.align().size();
        for (int m : markers) out.u32(m);
        int seqsAt = -1;
        if (seqs && order == Order.LINUX_6_1) seqsAt = writeSeqs(out.align(), syms);
        int tableAt = out.align().size();
        int[] index = new int[256];
        for (int k = 0; k < 256; k++) {
            index[k] = out.size() - tableAt;
            out.bytes(tokens[k]);
            out.u8(0);
        }
        int indexAt = out.align().size();
        for (int k = 0; k < 256; k++) out.u16(index[k]);
        if (order == Order.LINUX_6_4) {
            addressesAt = out.align().size();
            for (Sym s : syms) out.u32(baseRelative ? s.address() - base : s.address());
            if (baseRelative) {
                relativeAt = out.size();
                out.u32(base);
            }
            if (seqs) writeSeqs(out.align(), syms);
        }
        out.align();
        return new KallsymsImage(out.toByteArray(),
                new Offsets(numSymsAt, namesAt, markersAt, seqsAt, tableAt, indexAt, addressesAt, relativeAt), tokens);
    }

    /** The symbol numbers in name order, big-endian 24-bit each. */
    private static int writeSeqs(Out out, List<Sym> syms) {
        int at = out.size();
        Integer[] order = new Integer[syms.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> syms.get(a).name().compareTo(syms.get(b).name()));
        for (int i : order) {
            out.u8(i >> 16);
            out.u8(i >> 8);
            out.u8(i);
        }
        return at;
    }

    /** Every character used is its own token; the other codes get the most frequent 2- to 5-character substrings. */
    static byte[][] tokens(List<Sym> syms) {
        byte[][] tokens = new byte[256][];
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Sym s : syms) {
            String t = s.type() + s.name();
            for (char c : t.toCharArray()) tokens[c] = new byte[] {(byte) c};
            for (int len = 2; len <= 5; len++)
                for (int i = 0; i + len <= t.length(); i++) counts.merge(t.substring(i, i + len), 1, Integer::sum);
        }
        List<Map.Entry<String, Integer>> frequent = new ArrayList<>(counts.entrySet());
        frequent.sort((a, b) -> b.getValue() * b.getKey().length() - a.getValue() * a.getKey().length());
        int next = 0;
        for (int k = 0; k < 256; k++) {
            if (tokens[k] != null) continue;
            String t = next < frequent.size() ? frequent.get(next++).getKey() : "zq" + k;
            tokens[k] = t.getBytes(StandardCharsets.US_ASCII);
        }
        return tokens;
    }

    /** Greedy longest-token compression. */
    static byte[] compress(String s, byte[][] tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] text = new String[256];
        for (int k = 0; k < 256; k++) text[k] = new String(tokens[k], StandardCharsets.US_ASCII);
        int i = 0;
        while (i < s.length()) {
            int best = -1, bestLen = 0;
            for (int k = 0; k < 256; k++) {
                int len = tokens[k].length;
                if (len > bestLen && s.startsWith(text[k], i)) {
                    best = k;
                    bestLen = len;
                }
            }
            out.write(best);
            i += bestLen;
        }
        return out.toByteArray();
    }

    private static final class Out extends ByteArrayOutputStream {
        Out u8(int v) {
            write(v & 0xFF);
            return this;
        }

        Out u16(int v) {
            return u8(v).u8(v >> 8);
        }

        Out u32(long v) {
            return u16((int) v).u16((int) (v >>> 16));
        }

        Out bytes(byte[] b) {
            writeBytes(b);
            return this;
        }

        Out align() {
            while (size() % 4 != 0) write(0);
            return this;
        }
    }
}
