package dev.kerf.formats.slice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kerf.formats.FormatException;
import dev.kerf.formats.journal.EndReason;
import dev.kerf.formats.journal.Event;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The EVENTS, RAM and FINAL_HASH codecs: round trips, and hostile bytes are FormatExceptions only. */
class TimeSectionsTest {
    static final List<Event> EVENTS = List.of(new Event.PortBlock(0x1F0, 2, new byte[] {1, 2, 3, 4, 5, 6}), new Event.PortIn(0x60, 1, 0x1c),
            new Event.PortChange(7, 1, 0x3FD, 1, 0x60), new Event.Interrupt(100, 0x20, 0), new Event.Rdtsc(-5),
            new Event.StateHash(1 << 20, 0x1234_5678_9abc_def0L), new Event.End(1 << 21, EndReason.GUEST_EXIT, 3, 99));

    static Slice holder(SectionType type, byte[] data) throws Exception {
        return SliceReader.read(new SliceWriter(SliceFileTest.header()).add(type, data).finish(), Path.of("t.kslice"));
    }

    @Test
    void eventsRoundTrip() throws Exception {
        byte[] bytes = new EventsSection(42, 1, EVENTS).encode();
        Slice s = holder(SectionType.EVENTS, bytes);
        EventsSection back = EventsSection.decode(s, s.only(SectionType.EVENTS));
        assertThat(back).isEqualTo(new EventsSection(42, 1, EVENTS));
    }

    @Test
    void everyTruncationAndFlipOfEventsIsAFormatExceptionOrAnotherValidSection() throws Exception {
        byte[] bytes = new EventsSection(42, 1, EVENTS).encode();
        for (int n = 0; n < bytes.length; n++) {
            Slice s = holder(SectionType.EVENTS, Arrays.copyOf(bytes, n));
            assertThatThrownBy(() -> EventsSection.decode(s, s.only(SectionType.EVENTS))).as("cut at %d", n)
                    .isInstanceOf(FormatException.class).hasMessageContaining("t.kslice at offset 0x");
        }
        for (int i = 0; i < bytes.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = bytes.clone();
                bad[i] ^= 1 << bit;
                Slice s = holder(SectionType.EVENTS, bad);
                try {
                    EventsSection.decode(s, s.only(SectionType.EVENTS));
                } catch (FormatException expected) {
                    assertThat(expected.offset()).isGreaterThan(0);
                }
            }
        }
    }

    @Test
    void ramRoundTripsTrimmedAndRefusesBadPages() throws Exception {
        byte[] ram = new byte[16 * 4096];
        ram[4096 * 3] = 7;
        ram[4096 * 9 + 4095] = 9;
        byte[] data = RamSection.encode(ram);
        assertThat(data.length).isEqualTo(4 + 6 + 1 + 6 + 4096);
        Slice s = holder(SectionType.RAM, data);
        byte[] back = new byte[ram.length];
        RamSection.place(s, s.only(SectionType.RAM), back);
        assertThat(back).isEqualTo(ram);
        assertThatThrownBy(() -> RamSection.place(s, s.only(SectionType.RAM), new byte[8 * 4096])).hasMessageContaining("beyond RAM");
        for (int n = 0; n < data.length; n += 7) {
            Slice cut = holder(SectionType.RAM, Arrays.copyOf(data, n));
            assertThatThrownBy(() -> RamSection.place(cut, cut.only(SectionType.RAM), new byte[ram.length])).isInstanceOf(FormatException.class);
        }
        byte[] huge = data.clone();
        huge[0] = (byte) 0xFF;
        Slice h = holder(SectionType.RAM, huge);
        assertThatThrownBy(() -> RamSection.place(h, h.only(SectionType.RAM), new byte[ram.length])).hasMessageContaining("page count");
    }

    @Test
    void finalHashIsSixteenBytes() throws Exception {
        Slice s = holder(SectionType.FINAL_HASH, new FinalHash(5, -1).encode());
        assertThat(FinalHash.decode(s, s.only(SectionType.FINAL_HASH))).isEqualTo(new FinalHash(5, -1));
        Slice bad = holder(SectionType.FINAL_HASH, new byte[15]);
        assertThatThrownBy(() -> FinalHash.decode(bad, bad.only(SectionType.FINAL_HASH))).hasMessageContaining("16");
    }
}
