package dev.kerf.emulator.introspect.linux;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds a Linux kernel's own symbol table (kallsyms) in guest physical RAM by its structure and
 * decodes it: no System.map, no debug package, no address or size known in advance.
 *
 * <p>The tables, as {@code scripts/kallsyms.c} writes them into {@code .rodata} (32-bit kernels,
 * every label 4-byte aligned, all integers little-endian):
 * <pre>
 * kallsyms_offsets      u32[N]   CONFIG_KALLSYMS_BASE_RELATIVE: address = relative_base + offset
 *   (or kallsyms_addresses u32[N] without it: absolute addresses)
 * kallsyms_relative_base u32     base-relative only: the run-time (relocated) address of the lowest symbol
 * kallsyms_num_syms     u32      N
 * kallsyms_names        N entries: length (1 byte; 2 bytes when bit 7 is set: (b0 &amp; 0x7F) | b1 &lt;&lt; 7),
 *                       then that many token codes; the expanded name's first character is its nm type
 * kallsyms_markers      u32[ceil(N/256)]: offset in kallsyms_names of entry 256*i
 * kallsyms_token_table  256 NUL-terminated tokens (a code used as a plain character is its own token)
 * kallsyms_token_index  u16[256]: offset of each token in the table
 * </pre>
 * This is the order of Linux 2.6 to 6.1. Linux 6.2 and 6.3 (and Debian's 6.1.192, backported)
 * put {@code kallsyms_seqs_of_names} (u8[3][N], big-endian symbol numbers in name order) between
 * the markers and the token table; from 6.4 the offsets, relative base and seqs follow the token
 * index instead. All three are tried. Symbols are sorted by address.
 *
 * <p>The search: a cheap scan for a u16 array starting 0, n, m with 0 &lt; n &lt; m (zero-filled
 * RAM fails at the second word); then the whole token index (256 ascending offsets), the token
 * table right before it (every terminator where the index says, nothing but padding up to the
 * index), the markers right before the table (read backwards: strictly descending to 0, at least
 * two bytes per name apart) or before a seqs table of 3N bytes (a permutation), {@code num_syms}
 * and the names before them (the one start where the last 256-name group ends exactly at the
 * markers), every name decoded and checked against its marker (and against the seqs' name
 * order), and the addresses sorted. The first table that passes everything is returned; a
 * failure reports the step that got furthest. docs/linux.md has the details.
 */
public final class Kallsyms {
    static final int TOKENS = 256;
    /** KSYM_NAME_LEN in Linux 6.1: no token and no expanded name is longer. */
    static final int MAX_NAME = 512;
    /** Names per {@code kallsyms_markers} entry. */
    static final int GROUP = 256;
    /** Alignment padding between two tables is below this. */
    private static final int MAX_PAD = 8;

    private static final int DEPTH_TOKENS = 1, DEPTH_MARKERS = 2, DEPTH_NAMES = 3;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] ram;
    private int failureDepth;
    private String failure;

    private Kallsyms(byte[] ram) {
        this.ram = ram;
    }

    /**
     * The symbols of the kernel whose tables are in {@code ram} (guest physical memory from address
     * 0), or a {@link KallsymsException}: {@code NOT_FOUND} when nothing looks like a token table,
     * {@code INCONSISTENT} (naming the physical address and the contradiction) when one does but
     * the tables around it do not agree.
     */
    public static LinuxSymbols decode(byte[] ram) {
        return new Kallsyms(ram).search();
    }

    private LinuxSymbols search() {
        int limit = ram.length - 2 * TOKENS;
        for (int at = 0; at + 8 <= limit; at += 8) { // eight bytes at a time: most hold no zero u16
            long w = (long) LONGS.get(ram, at);
            if (((w - 0x0001_0001_0001_0001L) & ~w & 0x8000_8000_8000_8000L) == 0) continue;
            for (int i = w == 0 ? at + 6 : at; i < at + 8; i += 2) { // in zeros only the last u16 can start one
                if (ram[i] != 0 || ram[i + 1] != 0) continue;
                int first = u16(i + 2);
                if (first == 0 || first > MAX_NAME + 1 || u16(i + 4) <= first) continue;
                LinuxSymbols s = atTokenIndex(i);
                if (s != null) return s;
            }
        }
        if (failureDepth == 0) {
            throw new KallsymsException(KallsymsException.Kind.NOT_FOUND, "no kallsyms table in guest RAM: the kernel was built"
                    + " without CONFIG_KALLSYMS or is not a Linux kernel kerf knows; give a profile with --profile");
        }
        throw new KallsymsException(KallsymsException.Kind.INCONSISTENT, "inconsistent kallsyms table in guest RAM: " + failure);
    }

    private void fail(int depth, String why) {
        if (depth > failureDepth) {
            failureDepth = depth;
            failure = why;
        }
    }

    /** The symbols whose token index is at {@code index}, or null (the reason kept when it got far). */
    private LinuxSymbols atTokenIndex(int index) {
        for (int k = 1, before = 0; k < TOKENS; k++) { // most candidates fail here: nothing allocated yet
            int offset = u16(index + 2 * k);
            if (offset <= before || offset > before + MAX_NAME + 1) return null;
            before = offset;
        }
        int[] offsets = new int[TOKENS];
        for (int k = 1; k < TOKENS; k++) offsets[k] = u16(index + 2 * k);
        int table = tokenTable(index, offsets);
        if (table < 0) return null;
        byte[][] tokens = new byte[TOKENS][];
        for (int k = 0; k < TOKENS; k++) {
            int from = table + offsets[k];
            int to = from;
            while (ram[to] != 0) to++;
            tokens[k] = Arrays.copyOfRange(ram, from, to);
        }
        for (int end = table; end >= table - 4 && end >= 4; end -= 4) {
            int[] markers = markersBefore(end, table);
            if (markers == null) continue;
            LinuxSymbols s = withMarkers(index, table, tokens, end - 4 * markers.length, markers, 0, -1);
            if (s != null) return s;
        }
        return withSeqsOfNames(index, table, tokens);
    }

    /**
     * The layout with {@code kallsyms_seqs_of_names} (N big-endian 24-bit symbol numbers in name
     * order) between the markers and the token table: for each N, the markers would end 3N bytes
     * (plus zero padding to a multiple of 4) before the table and start with 0 at
     * {@code ceil(N/256)} u32s before that.
     */
    private LinuxSymbols withSeqsOfNames(int index, int table, byte[][] tokens) {
        for (int n = 1; n < 1 << 24 && 5L * n + 4 < table; n++) { // below the table: 3 bytes a symbol here, 2 or more of its name
            int groups = (n + GROUP - 1) / GROUP;
            int pad = (table - 3 * n) & 3; // the markers (u32s) end 4-byte aligned
            int end = table - pad - 3 * n;
            int start = end - 4 * groups;
            if (start < 4 || u32(start) != 0 || u32(end - 4) < 2L * GROUP * (groups - 1)) continue;
            if (!zeros(table - pad, table)) continue;
            int[] markers = markersFrom(start, groups);
            if (markers == null || !permutation(end, n)) continue;
            LinuxSymbols s = withMarkers(index, table, tokens, start, markers, n, end);
            if (s != null) return s;
        }
        return null;
    }

    private boolean zeros(int from, int to) {
        for (int p = from; p < to; p++) if (ram[p] != 0) return false;
        return true;
    }

    /** The {@code groups} markers at {@code start} when they ascend from 0 by at least two bytes a name, else null. */
    private int[] markersFrom(int start, int groups) {
        int[] markers = new int[groups];
        for (int i = 0; i < groups; i++) {
            long m = u32(start + 4 * i);
            if (i > 0 && m < markers[i - 1] + 2L * GROUP || m >= start) return null; // the names lie below their markers
            markers[i] = (int) m;
        }
        return markers;
    }

    /** True when the {@code n} big-endian 24-bit numbers at {@code at} are 0 to n-1, each once. */
    private boolean permutation(int at, int n) {
        java.util.BitSet seen = new java.util.BitSet(n);
        for (int i = 0; i < n; i++) {
            int v = seq(at, i);
            if (v >= n || seen.get(v)) return false;
            seen.set(v);
        }
        return true;
    }

    /**
     * The physical address of the token table ending just before the index at {@code index}, or -1:
     * every token NUL-terminated where {@code offsets} says, printable, a one-character token equal
     * to its own code, at least half of them non-empty, and only zero padding up to the index.
     */
    private int tokenTable(int index, int[] offsets) {
        int last = offsets[TOKENS - 1];
        for (int start = index - last - 1; start >= 0 && start >= index - last - MAX_NAME - 1 - MAX_PAD; start--) {
            if (tokensAt(start, index, offsets)) return start;
        }
        return -1;
    }

    private boolean tokensAt(int start, int index, int[] offsets) {
        for (int k = 1; k < TOKENS; k++) if (ram[start + offsets[k] - 1] != 0) return false;
        int end = start + offsets[TOKENS - 1];
        while (end < index && ram[end] != 0) end++;
        if (end >= index || index - (end + 1) >= MAX_PAD) return false;
        for (int p = end + 1; p < index; p++) if (ram[p] != 0) return false;
        int nonEmpty = 0;
        for (int k = 0; k < TOKENS; k++) {
            int from = start + offsets[k];
            int to = k + 1 < TOKENS ? start + offsets[k + 1] - 1 : end;
            if (to > from) nonEmpty++;
            for (int p = from; p < to; p++) if (ram[p] < 0x21 || ram[p] > 0x7E) return false;
            if (to - from == 1 && (ram[from] & 0xFF) != k) return false;
        }
        return nonEmpty >= TOKENS / 2;
    }

    /**
     * The markers ending at {@code end} read backwards: strictly descending, each group of 256
     * names at least two bytes a name, down to the 0 of the first group; null when there is none.
     */
    private int[] markersBefore(int end, int table) {
        List<Long> backwards = new ArrayList<>();
        long above = Long.MAX_VALUE;
        for (int p = end - 4; p >= 0; p -= 4) {
            long m = u32(p);
            if (m > above - 2L * GROUP || m >= p) break; // the names lie below their markers
            backwards.add(m);
            if (m == 0) {
                int[] markers = new int[backwards.size()];
                for (int i = 0; i < markers.length; i++) markers[i] = (int) (long) backwards.get(markers.length - 1 - i);
                return markers;
            }
            above = m;
        }
        fail(DEPTH_TOKENS, String.format("a token table at physical 0x%x but no kallsyms_markers before it (u32 offsets"
                + " descending to 0, directly or before kallsyms_seqs_of_names)", table));
        return null;
    }

    /** The symbols whose names end at the markers at {@code markersAt}, or null. */
    private LinuxSymbols withMarkers(int index, int table, byte[][] tokens, int markersAt, int[] markers, int count, int seqs) {
        int groups = markers.length;
        long lastGroup = markers[groups - 1];
        long highest = markersAt - lastGroup - 4 - 2;
        long lowest = highest - (long) GROUP * (2 + MAX_NAME);
        for (long q = highest; q >= lowest && q >= 0; q--) {
            long n = u32((int) q);
            if (n <= (long) GROUP * (groups - 1) || n > (long) GROUP * groups || count > 0 && n != count) continue;
            int names = (int) q + 4;
            if (!lastGroupEndsAt(names + (int) lastGroup, (int) (n - (long) GROUP * (groups - 1)), markersAt)) continue;
            LinuxSymbols s = decodeNames(new Found(index, table, tokens, markersAt, markers, (int) q, (int) n, seqs));
            if (s != null) return s;
        }
        fail(DEPTH_MARKERS, String.format("kallsyms_markers at physical 0x%x (%d groups of 256 names) but no kallsyms_num_syms"
                + " and kallsyms_names that end there", markersAt, groups));
        return null;
    }

    /** True when {@code count} name entries from {@code from} end in the padding before {@code markersAt}. */
    private boolean lastGroupEndsAt(int from, int count, int markersAt) {
        int p = from;
        for (int i = 0; i < count; i++) {
            if (p >= markersAt) return false;
            int len = ram[p] & 0xFF;
            if ((len & 0x80) != 0) {
                if (p + 1 >= markersAt) return false;
                len = (len & 0x7F) | (ram[p + 1] & 0xFF) << 7;
                p++;
            }
            if (len == 0) return false;
            p += 1 + len;
        }
        if (p > markersAt || markersAt - p >= 4) return false;
        for (int i = p; i < markersAt; i++) if (ram[i] != 0) return false;
        return true;
    }

    /** A candidate: token index and table, markers, num_syms (names follow it) and seqs_of_names (-1: none), physical. */
    private record Found(int index, int table, byte[][] tokens, int markersAt, int[] markers, int numSyms, int n, int seqs) {}

    private LinuxSymbols decodeNames(Found f) {
        int n = f.n(), markersAt = f.markersAt();
        int[] markers = f.markers();
        byte[][] tokens = f.tokens();
        int names = f.numSyms() + 4;
        String[] decoded = new String[n];
        char[] types = new char[n];
        byte[] buf = new byte[MAX_NAME + 1];
        int p = names;
        for (int i = 0; i < n; i++) {
            if (i % GROUP == 0 && p - names != markers[i / GROUP]) {
                fail(DEPTH_NAMES, String.format("kallsyms_markers[%d] at physical 0x%x is %d but name %d starts at offset %d of"
                        + " kallsyms_names (physical 0x%x)", i / GROUP, markersAt + 4 * (i / GROUP), markers[i / GROUP], i, p - names, names));
                return null;
            }
            int len = ram[p] & 0xFF;
            if ((len & 0x80) != 0) len = (len & 0x7F) | (ram[++p] & 0xFF) << 7;
            p++;
            if (len == 0 || p + len > markersAt) {
                fail(DEPTH_NAMES, String.format("kallsyms name %d at physical 0x%x %s", i, p - 1,
                        len == 0 ? "has length 0" : "runs into kallsyms_markers at 0x" + Integer.toHexString(markersAt)));
                return null;
            }
            int size = 0;
            for (int j = 0; j < len; j++) {
                byte[] t = tokens[ram[p + j] & 0xFF];
                if (size + t.length > MAX_NAME || t.length == 0) {
                    fail(DEPTH_NAMES, String.format("kallsyms name %d at physical 0x%x expands to %s", i, p - 1,
                            t.length == 0 ? "an empty token" : "more than " + MAX_NAME + " characters"));
                    return null;
                }
                System.arraycopy(t, 0, buf, size, t.length);
                size += t.length;
            }
            p += len;
            char type = (char) buf[0];
            if (size < 2 || !(type >= 'A' && type <= 'Z' || type >= 'a' && type <= 'z')) {
                fail(DEPTH_NAMES, String.format("kallsyms name %d at physical 0x%x has no type letter and name", i, p - len - 1));
                return null;
            }
            types[i] = type;
            decoded[i] = new String(buf, 1, size - 1, StandardCharsets.ISO_8859_1);
        }
        if (f.seqs() >= 0 && !inNameOrder(f.seqs(), decoded)) return null;
        return withAddresses(f, decoded, types);
    }

    /** True when {@code kallsyms_seqs_of_names} at {@code seqs} lists the names in ascending byte order, as the kernel's lookup by name needs. */
    private boolean inNameOrder(int seqs, String[] names) {
        for (int i = 1; i < names.length; i++) {
            int a = seq(seqs, i - 1), b = seq(seqs, i);
            if (names[a].compareTo(names[b]) > 0) {
                fail(DEPTH_NAMES, String.format("kallsyms_seqs_of_names at physical 0x%x puts symbol %d (%s) before symbol %d (%s):"
                        + " a name or the order is damaged", seqs, a, names[a], b, names[b]));
                return false;
            }
        }
        return true;
    }

    private int seq(int seqs, int i) {
        int p = seqs + 3 * i;
        return (ram[p] & 0xFF) << 16 | (ram[p + 1] & 0xFF) << 8 | ram[p + 2] & 0xFF;
    }

    /**
     * The addresses for {@code n} decoded names: offsets and relative base (or absolute addresses)
     * before {@code num_syms} (Linux up to 6.1), else after the token index (6.4 on). Base-relative
     * offsets start at 0: scripts/kallsyms.c takes the lowest symbol's address as the base (32-bit
     * kernels have no absolute per-CPU symbols), which also tells absolute addresses followed by
     * a small number from offsets and a base.
     */
    private LinuxSymbols withAddresses(Found f, String[] names, char[] types) {
        int n = f.n(), numSyms = f.numSyms();
        long after = f.index() + 2L * TOKENS;
        long[][] tries = {
            {numSyms - 4L - 4L * n, numSyms - 4L}, // base-relative, up to 6.1
            {numSyms - 4L * n, -1},                // absolute, up to 6.1
            {after, after + 4L * n},               // base-relative, 6.4 on
            {after, -1}};                          // absolute, 6.4 on
        String why = null;
        for (long[] t : tries) {
            boolean relative = t[1] >= 0;
            if (t[0] < 0 || t[0] + 4L * n + (relative ? 4 : 0) > ram.length) continue;
            long base = relative ? u32((int) t[1]) : 0;
            long[] addresses = new long[n];
            String problem = relative && u32((int) t[0]) != 0 ? "the first offset is not 0" : null;
            for (int i = 0; i < n && problem == null; i++) {
                addresses[i] = base + u32((int) t[0] + 4 * i);
                if (addresses[i] > 0xFFFF_FFFFL) problem = "symbol " + i + "'s address overflows 32 bits";
                else if (i > 0 && addresses[i] < addresses[i - 1]) problem = "addresses not sorted at symbol " + i;
            }
            if (problem == null) {
                KallsymsLayout layout = new KallsymsLayout(numSyms, numSyms + 4, f.markersAt(),
                        f.seqs(), f.table(), f.index(), t[0], relative, base);
                return new LinuxSymbols(names, types, addresses, layout);
            }
            if (why == null) why = String.format("%s (%s at physical 0x%x)", problem, relative ? "kallsyms_offsets" : "kallsyms_addresses", t[0]);
        }
        fail(DEPTH_NAMES + 1, String.format("%d names at physical 0x%x decode but no sorted addresses go with them: %s", n, numSyms + 4,
                why == null ? "no room for them in RAM" : why));
        return null;
    }

    private int u16(int p) {
        return (ram[p] & 0xFF) | (ram[p + 1] & 0xFF) << 8;
    }

    private long u32(int p) {
        return (ram[p] & 0xFFL) | (ram[p + 1] & 0xFFL) << 8 | (ram[p + 2] & 0xFFL) << 16 | (ram[p + 3] & 0xFFL) << 24;
    }
}
