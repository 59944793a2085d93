package dev.kerf.formats.recording;

import dev.kerf.formats.journal.EndReason;
import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.JournalWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds small, complete recordings for the tests. */
final class Recordings {
    static final byte[] KERNEL = "\u007fELF pretend kernel".getBytes(StandardCharsets.UTF_8);
    static final byte[] MODULE = "initrd bytes \"quoted\" \\ \n".getBytes(StandardCharsets.UTF_8);

    private Recordings() {}

    static Manifest manifest() {
        return new Manifest(Recording.FORMAT_MAJOR, "0.1.0-SNAPSHOT", 64 << 20, Recording.imageRef("kernel.elf", KERNEL, null),
                "console=ttyS0 \"x\" é\t", List.of(Recording.imageRef("initrd.img", MODULE, "initrd arg"),
                        Recording.imageRef("kernel-again", KERNEL, null)), "host", 100_000, "2026-11-22T00:00:00Z",
                Manifest.DEFAULT_STICKY_PORTS);
    }

    static List<Event> events() {
        List<Event> l = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            l.add(new Event.PortIn(0x3FD, 1, 0x60 + i % 2));
            l.add(new Event.Interrupt(i * 1000L, 0x20, i % 3));
            l.add(new Event.StateHash(i * 1000L + 5, i));
        }
        l.add(new Event.End(99_999, EndReason.GUEST_EXIT, 0, 1234));
        return l;
    }

    /** A complete recording in {@code dir}: manifest, two images, a journal of several excerpts ending with End. */
    static Recording write(Path dir) throws IOException {
        Recording r = Recording.create(dir, manifest(), Map.of(Recording.sha256(KERNEL), KERNEL, Recording.sha256(MODULE), MODULE));
        try (JournalWriter w = JournalWriter.create(r.journalDir())) {
            int n = 0;
            for (Event e : events()) {
                w.append(e);
                if (++n % 20 == 0) w.flush();
            }
        }
        return r;
    }
}
