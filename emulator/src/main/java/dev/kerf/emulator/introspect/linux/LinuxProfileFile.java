package dev.kerf.emulator.introspect.linux;

import dev.kerf.formats.AtomicFile;
import dev.kerf.formats.FormatException;
import dev.kerf.formats.recording.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A saved Linux guest profile ({@code kerf profile REC --save F}, given back with {@code --profile F}):
 * the task layout kerf inferred from one recording, for recordings of the same kernel where the
 * inference cannot work (a recording too short to show enough system calls). A JSON object
 * (docs/formats.md §13):
 * <pre>
 * {"format": "kerf-guest-profile", "version": 1, "kind": "linux-i386",
 *  "kernel": "Linux version 6.1.0-... (banner, or null)", "text": 3305111552,
 *  "layout": {"pageOffset": 3221225472, "percpuBase": ..., ...}}
 * </pre>
 * Every layout member is required, an unsigned 32-bit integer; unknown members are refused (a
 * profile from a newer kerf says so rather than being half-understood).
 *
 * @param kernel the kernel's version banner where it was found, or null
 * @param text   the run-time address of {@code _text} (kallsyms) in the recording the layout was found in, or null:
 *               a recording whose kernel sits elsewhere (another KASLR slide) gets the layout rebased
 */
public record LinuxProfileFile(String kernel, Long text, LinuxTaskLayout layout) {
    public static final String FORMAT = "kerf-guest-profile", KIND = "linux-i386";
    public static final int VERSION = 1;
    /** Larger than any profile (a few hundred bytes): a bigger file is not one. */
    static final int MAX_BYTES = 64 << 10;
    private static final String[] FIELDS = {"pageOffset", "percpuBase", "currentOffset", "offStack", "stackTop", "regsOffset",
            "offPid", "offComm", "offMm", "offPgd", "offRealParent", "offTasks", "offExitState", "zombieState", "initTask"};

    /** The file's bytes: UTF-8 JSON, one member per line, ending in a newline. */
    public byte[] encode() {
        return ("{\"format\": \"" + FORMAT + "\", \"version\": " + VERSION + ", \"kind\": \"" + KIND + "\",\n \"kernel\": "
                + (kernel == null ? "null" : Json.quote(kernel)) + ",\n \"text\": " + (text == null ? "null" : Long.toString(text))
                + ",\n \"layout\": " + layoutJson(layout, "\n  ", "\n ", ": ") + "\n}\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The layout as a compact JSON object (the file's {@code layout} member without its spacing), e.g. for {@code kerf profile --json}. */
    public static String layoutJson(LinuxTaskLayout layout) {
        return layoutJson(layout, "", "", ":");
    }

    /** Every member, unsigned, in the file's order; {@code indent} before each, {@code close} before the brace. */
    private static String layoutJson(LinuxTaskLayout l, String indent, String close, String colon) {
        long[] v = {l.pageOffset(), l.percpuBase(), l.currentOffset(), l.offStack(), l.stackTop(), l.regsOffset(), l.offPid(),
                l.offComm(), l.offMm(), l.offPgd(), l.offRealParent(), l.offTasks(), l.offExitState(), l.zombieState(), l.initTask()};
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < FIELDS.length; i++) {
            s.append(i == 0 ? "" : ",").append(indent).append(Json.quote(FIELDS[i])).append(colon).append(v[i] & 0xFFFF_FFFFL);
        }
        return s.append(close).append('}').toString();
    }

    /** Writes the file whole or not at all. */
    public void write(Path file) throws IOException {
        AtomicFile.write(file, encode());
    }

    /**
     * Reads a saved profile.
     *
     * @throws FormatException anything but a profile this kerf reads: one line naming the file and the offset
     */
    public static LinuxProfileFile read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) throw new FormatException(file, MAX_BYTES, "a guest profile is a few hundred bytes; this file has " + size);
        return decode(Files.readAllBytes(file), file);
    }

    /** As {@link #read(Path)}, from bytes; {@code file} names them in errors. */
    public static LinuxProfileFile decode(byte[] bytes, Path file) {
        try {
            Json.Value root = Json.parse(bytes);
            Map<String, Json.Value> o = Json.object(root, "a guest profile");
            Json.Value format = o.get("format");
            if (format == null || !FORMAT.equals(format.value())) {
                throw new FormatException(file, format == null ? root.offset() : format.offset(),
                        "not a kerf guest profile (\"format\" must be \"" + FORMAT + "\")");
            }
            long version = Json.integer(o, root, "version");
            if (version != VERSION) {
                throw new FormatException(file, Json.require(o, root, "version").offset(),
                        "guest profile version " + version + ", this kerf reads " + VERSION + (version > VERSION ? ": use a newer kerf" : ""));
            }
            String kind = Json.string(o, root, "kind");
            if (!KIND.equals(kind)) {
                throw new FormatException(file, Json.require(o, root, "kind").offset(), "guest profile kind \"" + kind
                        + "\": this kerf knows only \"" + KIND + "\"");
            }
            for (String k : o.keySet()) {
                if (!k.equals("format") && !k.equals("version") && !k.equals("kind") && !k.equals("kernel") && !k.equals("text")
                        && !k.equals("layout")) {
                    throw new FormatException(file, o.get(k).offset(), "unknown member \"" + k + "\" in a guest profile");
                }
            }
            Json.Value kv = Json.require(o, root, "kernel");
            if (kv.value() != null && !(kv.value() instanceof String)) throw new FormatException(file, kv.offset(), "\"kernel\" must be a string or null");
            Json.Value tv = o.get("text");
            Long text = null;
            if (tv != null && tv.value() != null) {
                if (!(tv.value() instanceof Long t) || t < 0 || t > 0xFFFF_FFFFL) {
                    throw new FormatException(file, tv.offset(), "\"text\" must be an unsigned 32-bit address or null");
                }
                text = t;
            }
            Json.Value lv = Json.require(o, root, "layout");
            Map<String, Json.Value> lo = Json.object(lv, "\"layout\"");
            int[] v = new int[FIELDS.length];
            for (int i = 0; i < FIELDS.length; i++) {
                long n = Json.integer(lo, lv, FIELDS[i]);
                if (n < 0 || n > 0xFFFF_FFFFL) {
                    throw new FormatException(file, lo.get(FIELDS[i]).offset(), "\"" + FIELDS[i] + "\" is not an unsigned 32-bit value: " + n);
                }
                v[i] = (int) n;
            }
            if (lo.size() != FIELDS.length) {
                for (String k : lo.keySet()) {
                    if (!java.util.Arrays.asList(FIELDS).contains(k)) throw new FormatException(file, lo.get(k).offset(), "unknown member \"" + k + "\" in \"layout\"");
                }
            }
            return new LinuxProfileFile((String) kv.value(), text, new LinuxTaskLayout(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8],
                    v[9], v[10], v[11], v[12], v[13], v[14]));
        } catch (Json.JsonException e) {
            throw new FormatException(file, e.offset(), e.getMessage());
        }
    }
}
