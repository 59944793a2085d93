package dev.kerf.formats.journal;

import java.nio.file.Path;

/**
 * Child process for {@link KilledWriterTest}: appends a known event stream forever, printing the
 * number of events after every explicit flush, until it is killed.
 */
public final class KilledWriterMain {
    private KilledWriterMain() {}

    /** Event {@code i} of the known stream. */
    static Event event(long i) {
        return i % 3 == 0 ? new Event.Interrupt(i * 10, 0x20, (int) (i % 2)) : new Event.PortIn(0x60, 1, (int) (i & 0xFF));
    }

    public static void main(String[] args) throws Exception {
        JournalWriter w = JournalWriter.create(Path.of(args[0]));
        for (long i = 0; ; i++) {
            w.append(event(i));
            if (i % 500 == 499) {
                w.flush();
                System.out.println(i + 1);
                System.out.flush();
            }
        }
    }
}
