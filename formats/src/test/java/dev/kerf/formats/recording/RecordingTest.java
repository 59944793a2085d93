package dev.kerf.formats.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kerf.formats.FormatException;
import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.JournalReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingTest {
    @TempDir Path tmp;

    static List<Event> events(Recording r) throws IOException {
        List<Event> l = new ArrayList<>();
        try (JournalReader j = JournalReader.open(r.journalDir())) {
            for (Event e; (e = j.next()) != null; ) l.add(e);
        }
        return l;
    }

    @Test
    void createThenOpenGivesEverythingBack() throws IOException {
        Path dir = tmp.resolve("rec");
        Recordings.write(dir);
        Recording r = Recording.open(dir);
        assertThat(r.manifest()).isEqualTo(Recordings.manifest());
        assertThat(r.image(Recordings.manifest().kernel().sha256())).isEqualTo(Recordings.KERNEL);
        assertThat(r.image(Recordings.manifest().modules().get(0).sha256())).isEqualTo(Recordings.MODULE);
        assertThat(events(r)).isEqualTo(Recordings.events());
        assertThat(r.eventCount()).isEqualTo(Recordings.events().size());
        assertThat(r.cutShort()).isFalse();
        assertThat(Files.readString(dir.resolve("manifest.json"))).contains("\"formatVersion\": \"3.0\"").contains("\"stickyPorts\": [1021]");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("manifest.json", "images", "journal");
        }
        try (var s = Files.list(dir.resolve("images"))) {
            assertThat(s.count()).isEqualTo(2);
        }
    }

    /**
     * Format 2.1: a recording that starts from a booted snapshot names it as {@code start}, with
     * {@code kernel} null; the snapshot is an image like any other (hash-checked, packed). A 2.0 reader
     * refuses such a manifest at {@code kernel}; a manifest with neither or both is refused here.
     */
    @Test
    void aRecordingFromASnapshotNamesItAsItsStart() throws IOException {
        byte[] snap = "KERFSNAP pretend snapshot".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Manifest.ImageRef start = Recording.imageRef("booted.ksnap", snap, "");
        Manifest m = new Manifest(Recording.FORMAT_MAJOR, "0.1.0", 64 << 20, null, "console=ttyS0", List.of(), "virtual",
                1 << 20, "2026-12-07T00:00:00Z", Manifest.DEFAULT_STICKY_PORTS, start);
        Path dir = tmp.resolve("from");
        Recording.create(dir, m, Map.of(start.sha256(), snap)).close();
        try (var w = dev.kerf.formats.journal.JournalWriter.create(dir.resolve("journal"))) {
            w.append(new Event.End(0, dev.kerf.formats.journal.EndReason.GUEST_EXIT, 0, 1));
        }
        String text = Files.readString(dir.resolve("manifest.json"));
        assertThat(text).contains("\"kernel\": null,").contains("\"start\": {\"sha256\": \"" + start.sha256());
        try (Recording r = Recording.open(dir)) {
            assertThat(r.manifest()).isEqualTo(m);
            assertThat(r.image(start.sha256())).isEqualTo(snap);
        }
        Path packed = tmp.resolve("from.kerfpack");
        Recording.pack(dir, packed);
        try (Recording r = Recording.open(packed)) {
            assertThat(r.image(start.sha256())).isEqualTo(snap);
        }
        Files.write(dir.resolve("images").resolve(start.sha256()), "KERFSNAP damaged snapshot".getBytes());
        assertThatThrownBy(() -> Recording.open(dir)).isInstanceOf(FormatException.class).hasMessageContaining("image booted.ksnap hashes to");
        Files.writeString(dir.resolve("manifest.json"), text.replaceAll("\"start\": \\{[^}]*},\n", ""));
        assertThatThrownBy(() -> Recording.open(dir)).hasMessageContaining("\"kernel\" is null and there is no \"start\" snapshot");
        Files.writeString(dir.resolve("manifest.json"), text.replace("\"kernel\": null", "\"kernel\": {\"sha256\": \""
                + start.sha256() + "\", \"name\": \"k\", \"size\": " + snap.length + ", \"cmdline\": null}"));
        assertThatThrownBy(() -> Recording.open(dir)).hasMessageContaining("from a kernel or from a snapshot, not both");
    }

    @Test
    void packUnpackRoundTripAndOpenPackedFile() throws IOException {
        Path dir = tmp.resolve("rec");
        Recordings.write(dir);
        Path packed = tmp.resolve("rec.kerfpack");
        Recording.pack(dir, packed);
        long journalBytes = 0;
        try (JournalReader j = JournalReader.open(dir.resolve("journal"))) {
            for (byte[] x; (x = j.nextExcerpt()) != null; ) journalBytes += x.length;
        }
        assertThat(Files.size(packed)).isLessThan(4096 + journalBytes); // real bytes, not the sparse queue file
        Recording.unpack(packed, tmp.resolve("out"));
        Recording back = Recording.open(tmp.resolve("out"));
        assertThat(back.manifest()).isEqualTo(Recordings.manifest());
        assertThat(events(back)).isEqualTo(Recordings.events());
        Path unpackedAt;
        try (Recording viaFile = Recording.open(packed)) {
            assertThat(events(viaFile)).isEqualTo(Recordings.events());
            assertThat(viaFile.image(Recordings.manifest().kernel().sha256())).isEqualTo(Recordings.KERNEL);
            unpackedAt = viaFile.dir();
            assertThat(unpackedAt).isDirectory();
        }
        assertThat(unpackedAt).doesNotExist();
        Path again = tmp.resolve("again.kerfpack");
        Recording.pack(tmp.resolve("out"), again);
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(packed)); // deterministic
        assertThatThrownBy(() -> Recording.unpack(packed, tmp.resolve("out"))).isInstanceOf(IOException.class);
    }

    @Test
    void cutShortRecordingOpensAndSaysSo() throws IOException {
        Path dir = tmp.resolve("rec");
        Recording r = Recording.create(dir, Recordings.manifest(), Map.of(Recording.sha256(Recordings.KERNEL), Recordings.KERNEL,
                Recording.sha256(Recordings.MODULE), Recordings.MODULE));
        try (var w = dev.kerf.formats.journal.JournalWriter.create(r.journalDir())) {
            w.append(new Event.Rdtsc(5));
        }
        Recording back = Recording.open(dir);
        assertThat(back.cutShort()).isTrue();
        assertThat(back.eventCount()).isEqualTo(1);
    }

    @Test
    void createRefusesBadInput() throws IOException {
        assertThatThrownBy(() -> Recording.create(tmp.resolve("a"), Recordings.manifest())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no bytes given for image kernel.elf");
        Map<String, byte[]> wrong = Map.of(Recording.sha256(Recordings.KERNEL), Recordings.MODULE, Recording.sha256(Recordings.MODULE),
                Recordings.MODULE);
        assertThatThrownBy(() -> Recording.create(tmp.resolve("b"), Recordings.manifest(), wrong)).isInstanceOf(IllegalArgumentException.class);
        Files.createDirectories(tmp.resolve("c"));
        Files.writeString(tmp.resolve("c/x"), "x");
        assertThatThrownBy(() -> Recording.create(tmp.resolve("c"), Recordings.manifest(), Map.of())).isInstanceOf(IOException.class)
                .hasMessageContaining("not empty");
    }

    @Test
    void missingThingsAreNamed() throws IOException {
        assertThatThrownBy(() -> Recording.open(tmp.resolve("none"))).isInstanceOf(FormatException.class)
                .hasMessageContaining("no such recording");
        Path dir = tmp.resolve("rec");
        Recordings.write(dir);
        Path img = dir.resolve("images").resolve(Recordings.manifest().modules().get(0).sha256());
        Files.delete(img);
        assertThatThrownBy(() -> Recording.open(dir)).isInstanceOf(FormatException.class).hasMessageContaining(img.toString())
                .hasMessageContaining("image initrd.img missing");
        Files.delete(dir.resolve("manifest.json"));
        assertThatThrownBy(() -> Recording.open(dir)).isInstanceOf(FormatException.class).hasMessageContaining("manifest missing");
    }
}
