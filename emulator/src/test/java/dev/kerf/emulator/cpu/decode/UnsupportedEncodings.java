package dev.kerf.emulator.cpu.decode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The machine-readable list of encodings kerf does not support, read from the fenced block
 * {@code ```unsupported} in docs/cpu.md. One class per line; {@code #} starts a comment:
 *
 * <pre>
 * D8-DF            one-byte opcodes D8..DF (x87)
 * 0F 10-17         two-byte opcodes 0F 10..0F 17 (the last byte may be a range)
 * 0F 0F            one two-byte opcode
 * 0F 38            every three-byte opcode 0F 38 xx (a listed opcode prefix covers what follows)
 * 0F 01 /1         only encodings whose ModRM.reg is 1 ({@code /4-7}: reg 4 to 7)
 * 8D reg           only register forms (ModRM.mod = 3); "mem" for memory forms
 * F3 0F B8         leading prefix bytes (66 67 F0 F2 F3 26 2E 36 3E 64 65) are conditions:
 *                  the encoding carries that prefix somewhere among its prefixes
 * F0 *             "*" stands for any opcode (here: LOCK on anything kerf rejects)
 * </pre>
 */
final class UnsupportedEncodings {
    private static final String FENCE = "```unsupported";

    private final List<Entry> entries;
    private final boolean present;

    private UnsupportedEncodings(List<Entry> entries, boolean present) {
        this.entries = entries;
        this.present = present;
    }

    /** Reads the block from {@code cpuMd}; a file without the block gives an empty list. */
    static UnsupportedEncodings load(Path cpuMd) throws IOException {
        if (!Files.exists(cpuMd)) return new UnsupportedEncodings(List.of(), false);
        return parse(Files.readString(cpuMd));
    }

    static UnsupportedEncodings parse(String markdown) {
        List<Entry> entries = new ArrayList<>();
        boolean inside = false, present = false;
        for (String raw : markdown.split("\n")) {
            String line = raw.strip();
            if (!inside) {
                inside = line.equals(FENCE);
                present |= inside;
                continue;
            }
            if (line.startsWith("```")) break;
            int hash = line.indexOf('#');
            String body = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!body.isEmpty()) entries.add(Entry.parse(body));
        }
        return new UnsupportedEncodings(entries, present);
    }

    /** True when docs/cpu.md had an {@code ```unsupported} block at all. */
    boolean present() {
        return present;
    }

    int size() {
        return entries.size();
    }

    /** True when some listed class covers this encoding. */
    boolean covers(byte[] code) {
        Encoding enc = Encoding.split(code);
        for (Entry e : entries) if (e.matches(enc)) return true;
        return false;
    }

    /** An encoding cut into its legacy prefixes and the bytes from the opcode on. */
    record Encoding(List<Integer> prefixes, int[] rest) {
        static Encoding split(byte[] code) {
            List<Integer> prefixes = new ArrayList<>();
            int p = 0;
            while (p < code.length && isPrefix(code[p] & 0xFF)) prefixes.add(code[p++] & 0xFF);
            int[] rest = new int[code.length - p];
            for (int i = 0; i < rest.length; i++) rest[i] = code[p + i] & 0xFF;
            return new Encoding(prefixes, rest);
        }
    }

    static boolean isPrefix(int b) {
        return switch (b) {
            case 0x66, 0x67, 0xF0, 0xF2, 0xF3, 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65 -> true;
            default -> false;
        };
    }

    /** One line: prefix conditions, opcode bytes (last as lo..hi), optional /reg and reg|mem. */
    record Entry(List<Integer> prefixes, int[] opcode, int lastHi, boolean anyOpcode, int reg, int regHi, String form) {
        static Entry parse(String body) {
            String[] words = body.toUpperCase(Locale.ROOT).split("\\s+");
            List<Integer> prefixes = new ArrayList<>();
            List<Integer> opcode = new ArrayList<>();
            int lastHi = -1, reg = -1, regHi = -1;
            boolean any = false;
            String form = null;
            for (String w : words) {
                if (w.equals("*")) any = true;
                else if (w.startsWith("/")) {
                    String[] lh = w.substring(1).split("-");
                    reg = Integer.parseInt(lh[0]);
                    regHi = lh.length > 1 ? Integer.parseInt(lh[1]) : reg;
                }
                else if (w.equals("REG") || w.equals("MEM")) form = w;
                else if (w.contains("-")) {
                    String[] lh = w.split("-");
                    opcode.add(Integer.parseInt(lh[0], 16));
                    lastHi = Integer.parseInt(lh[1], 16);
                } else {
                    int b = Integer.parseInt(w, 16);
                    if (opcode.isEmpty() && !any && isPrefix(b)) prefixes.add(b);
                    else opcode.add(b);
                }
            }
            int[] op = opcode.stream().mapToInt(Integer::intValue).toArray();
            if (lastHi < 0 && op.length > 0) lastHi = op[op.length - 1];
            if (op.length == 0 && !any) throw new IllegalArgumentException("no opcode in unsupported line: " + body);
            return new Entry(List.copyOf(prefixes), op, lastHi, any, reg, regHi, form);
        }

        boolean matches(Encoding enc) {
            if (!enc.prefixes().containsAll(prefixes)) return false;
            if (anyOpcode) return true;
            int[] rest = enc.rest();
            if (rest.length < opcode.length) return false;
            for (int i = 0; i < opcode.length - 1; i++) if (rest[i] != opcode[i]) return false;
            int last = rest[opcode.length - 1];
            if (last < opcode[opcode.length - 1] || last > lastHi) return false;
            if (reg < 0 && form == null) return true;
            if (rest.length <= opcode.length) return false;
            int modrm = rest[opcode.length];
            int r = (modrm >> 3) & 7;
            if (reg >= 0 && (r < reg || r > regHi)) return false;
            if (form == null) return true;
            return form.equals("REG") == ((modrm >> 6) == 3);
        }
    }
}
