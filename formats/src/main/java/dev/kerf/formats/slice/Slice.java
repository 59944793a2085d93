package dev.kerf.formats.slice;

import dev.kerf.formats.FormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A slice as read and checked by {@link SliceReader}: its header and its sections in file order
 * (END excluded). Accessors that find a section missing or repeated throw a FormatException
 * naming the file, as any other problem of the file.
 */
public record Slice(Path file, long size, int minor, SliceHeader header, List<Section> sections) {
    public Slice {
        sections = List.copyOf(sections);
    }

    /** All sections of {@code type}, in file order. */
    public List<Section> all(SectionType type) {
        List<Section> out = new ArrayList<>();
        for (Section s : sections) if (s.type() == type) out.add(s);
        return out;
    }

    /** The one section of {@code type}; none or several is a FormatException. */
    public Section only(SectionType type) {
        List<Section> l = all(type);
        if (l.size() == 1) return l.get(0);
        if (l.isEmpty()) throw new FormatException(file, -1, "a " + header.kind().jsonName() + " slice needs a " + type + " section");
        throw new FormatException(file, l.get(1).offset(), "a second " + type + " section");
    }

    /** A problem with the contents of {@code s} at {@code offsetInData}. */
    public FormatException fail(Section s, long offsetInData, String problem) {
        return new FormatException(file, s.dataOffset() + offsetInData, s.type() + " section: " + problem);
    }
}
