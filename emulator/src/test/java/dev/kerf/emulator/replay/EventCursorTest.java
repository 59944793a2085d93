package dev.kerf.emulator.replay;

import dev.kerf.formats.journal.EndReason;
import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.Position;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventCursorTest {
    @Test
    void headAndLookaheadAdvanceTogetherWithTheirPositions() {
        List<Event> events = List.of(new Event.PortIn(0x3FD, 1, 0x60), new Event.Interrupt(5, 0x20, 1),
                new Event.End(9, EndReason.GUEST_EXIT, 1, 0));
        EventCursor c = new EventCursor(EventSource.of(events));
        assertThat(c.head()).isEqualTo(events.get(0));
        assertThat(c.afterHead()).isEqualTo(events.get(1));
        assertThat(c.position()).isEqualTo("event list index 0");
        c.advance();
        assertThat(c.index()).isEqualTo(1);
        assertThat(c.position()).isEqualTo("event list index 1");
        assertThat(c.afterHead()).isEqualTo(events.get(2));
        c.advance();
        c.advance();
        assertThat(c.head()).isNull();
        assertThat(c.index()).isEqualTo(3);
        assertThat(c.cutShort()).isFalse();
    }

    @Test
    void aPortBlockIsConsumedReadByReadAndItsPositionSaysWhere() {
        List<Event> events = List.of(new Event.Rdtsc(1), new Event.PortBlock(0x1F0, 2, new byte[] {1, 0, 2, 0, 3, 0}),
                new Event.End(9, EndReason.GUEST_EXIT, 1, 0));
        EventCursor c = new EventCursor(EventSource.of(events));
        c.advance();
        c.advanceInBlock(3);
        assertThat(c.mark()).isEqualTo(new Position(0, 1, 1, 1));
        assertThat(c.position()).isEqualTo("event list index 1, read 1 of its block");
        EventCursor resumed = new EventCursor(EventSource.of(events, 1), 1);
        assertThat(resumed.mark()).isEqualTo(c.mark());
        for (EventCursor x : List.of(c, resumed)) {
            x.advanceInBlock(3);
            assertThat(x.inBlock()).isEqualTo(2);
            x.advanceInBlock(3);
            assertThat(x.head()).isInstanceOf(Event.End.class);
            assertThat(x.mark()).isEqualTo(new Position(0, 2, 2, 0));
        }
    }

    @Test
    void aListWithoutEndIsCutShortOnceExhausted() {
        EventCursor c = new EventCursor(EventSource.of(List.of(new Event.Rdtsc(42))));
        assertThat(c.cutShort()).isFalse();
        c.advance();
        assertThat(c.cutShort()).isTrue();
    }

    @Test
    void onlyInterruptsHashesAndEndAreTimed() {
        assertThat(EventCursor.timed(new Event.Interrupt(1, 0x20, 0))).isTrue();
        assertThat(EventCursor.timed(new Event.StateHash(1, 0))).isTrue();
        assertThat(EventCursor.timed(new Event.End(1, EndReason.STOPPED, 0, 0))).isTrue();
        assertThat(EventCursor.timed(new Event.PortChange(1, 0, 0x3FD, 1, 0x60))).isTrue();
        assertThat(EventCursor.timed(new Event.PortBlock(0x1F0, 2, new byte[4]))).isFalse();
        assertThat(EventCursor.timed(new Event.PortIn(0x60, 1, 0))).isFalse();
        assertThat(EventCursor.timed(new Event.Rdtsc(0))).isFalse();
    }
}
