package dev.kerf.emulator.introspect.linux;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A Linux kernel's symbols (from {@link Kallsyms}): name, nm type letter and run-time virtual
 * address, in address order (the kernel's own order: at one address the symbol it prefers comes
 * first). Immutable.
 */
public final class LinuxSymbols {
    /**
     * The link-time address of {@code _text} on 32-bit x86 with the default configuration:
     * PAGE_OFFSET 0xC0000000 plus CONFIG_PHYSICAL_START 16 MiB. An assumption, used only to show
     * the KASLR slide; nothing is looked up with it.
     */
    public static final long DEFAULT_TEXT = 0xC100_0000L;

    /** One symbol; {@code address} is an unsigned 32-bit virtual address. */
    public record Symbol(String name, char type, long address) {
        /** {@code c1000000 T startup_32}, as {@code /proc/kallsyms} prints it. */
        @Override
        public String toString() {
            return String.format("%08x %c %s", address, type, name);
        }
    }

    /** A half-open range of virtual addresses {@code [start, end)}. */
    public record Range(long start, long end) {
        public boolean contains(long address) {
            return address >= start && address < end;
        }
    }

    private final String[] names;
    private final char[] types;
    private final long[] addresses;
    private final KallsymsLayout layout;
    private final Map<String, Integer> first = new HashMap<>(); // lookups only, never iterated
    private final List<Range> ranges;

    LinuxSymbols(String[] names, char[] types, long[] addresses, KallsymsLayout layout) {
        if (names.length != types.length || names.length != addresses.length || names.length == 0)
            throw new IllegalArgumentException("names, types and addresses must be as many, and some");
        for (int i = 1; i < addresses.length; i++)
            if (addresses[i] < addresses[i - 1]) throw new IllegalArgumentException("addresses not sorted at " + i);
        this.names = names.clone();
        this.types = types.clone();
        this.addresses = addresses.clone();
        this.layout = layout;
        for (int i = 0; i < names.length; i++) first.putIfAbsent(names[i], i);
        List<Range> r = new ArrayList<>();
        range("_stext", "_etext").ifPresent(r::add);
        range("_sinittext", "_einittext").ifPresent(r::add);
        if (r.isEmpty()) r.add(new Range(addresses[0], addresses[addresses.length - 1] + 1));
        this.ranges = List.copyOf(r);
    }

    /** How many symbols. */
    public int count() {
        return names.length;
    }

    /** Symbol {@code i} in address order. */
    public Symbol get(int i) {
        return new Symbol(names[i], types[i], addresses[i]);
    }

    /** Every symbol in address order. */
    public List<Symbol> symbols() {
        List<Symbol> l = new ArrayList<>(names.length);
        for (int i = 0; i < names.length; i++) l.add(get(i));
        return l;
    }

    /** The lowest address of a symbol called {@code name} (static functions may share a name). */
    public OptionalLong address(String name) {
        Integer i = first.get(name);
        return i == null ? OptionalLong.empty() : OptionalLong.of(addresses[i]);
    }

    /** Every symbol called {@code name}, in address order. */
    public List<Symbol> named(String name) {
        List<Symbol> l = new ArrayList<>();
        Integer from = first.get(name);
        if (from == null) return l;
        for (int i = from; i < names.length; i++) if (names[i].equals(name)) l.add(get(i));
        return l;
    }

    /**
     * The symbol at or below {@code address} (at one address, the first: the one the kernel
     * prints), when {@code address} lies in the kernel's text ({@link #textRanges()}); empty
     * otherwise.
     */
    public Optional<Symbol> containing(long address) {
        boolean inText = false;
        for (Range r : ranges) inText |= r.contains(address);
        if (!inText) return Optional.empty();
        int i = Arrays.binarySearch(addresses, address);
        if (i < 0) i = -i - 2;
        else while (i > 0 && addresses[i - 1] == address) i--;
        return i < 0 ? Optional.empty() : Optional.of(get(i));
    }

    /** {@code name+0xoff} for {@code address} ({@code name} alone at offset 0), or null outside the kernel's text. */
    public String describe(long address) {
        Optional<Symbol> s = containing(address);
        if (s.isEmpty()) return null;
        long off = address - s.get().address();
        return off == 0 ? s.get().name() : s.get().name() + "+0x" + Long.toHexString(off);
    }

    /** The kernel's text, {@code [_stext, _etext)}, when both symbols are in the table. */
    public Optional<Range> text() {
        return range("_stext", "_etext");
    }

    /** The kernel's init text, {@code [_sinittext, _einittext)} (freed after boot), when both symbols are in the table. */
    public Optional<Range> initText() {
        return range("_sinittext", "_einittext");
    }

    /**
     * Where {@link #containing} looks: {@code [_stext, _etext)} and {@code [_sinittext, _einittext)}
     * when the table has them, else from the lowest symbol to the highest.
     */
    public List<Range> textRanges() {
        return ranges;
    }

    /**
     * The KASLR slide: the run-time {@code _text} minus {@link #DEFAULT_TEXT} (which assumes the
     * default link address, 32-bit x86); empty without {@code _text}.
     */
    public OptionalLong kaslrSlide() {
        OptionalLong text = address("_text");
        return text.isPresent() ? OptionalLong.of(text.getAsLong() - DEFAULT_TEXT) : OptionalLong.empty();
    }

    /** Where the tables were found. */
    public KallsymsLayout layout() {
        return layout;
    }

    private Optional<Range> range(String start, String end) {
        OptionalLong s = address(start), e = address(end);
        if (s.isEmpty() || e.isEmpty() || e.getAsLong() <= s.getAsLong()) return Optional.empty();
        return Optional.of(new Range(s.getAsLong(), e.getAsLong()));
    }
}
