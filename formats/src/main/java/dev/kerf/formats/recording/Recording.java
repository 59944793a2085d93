package dev.kerf.formats.recording;

import dev.kerf.formats.AtomicFile;
import dev.kerf.formats.TempFiles;

import dev.kerf.formats.FormatException;
import dev.kerf.formats.InputFile;
import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.JournalReader;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A recording directory (design §5): {@code manifest.json}, {@code images/<sha256>} and the
 * event journal ({@code journal/}). Opening validates all of it; a packed single file
 * ({@link #pack}) opens too. Byte layouts in docs/formats.md.
 */
public final class Recording implements AutoCloseable {
    /**
     * Recording format version, written as "major.minor" in the manifest. 3: the final StateHash's
     * RAM part is the paged hash (docs/formats.md §5). A major outside
     * {@link #OLDEST_MAJOR}..{@code FORMAT_MAJOR} is refused.
     */
    public static final int FORMAT_MAJOR = 3;
    /** 3.0 (2.1 added {@code start}: a recording may start from a booted snapshot, {@code kernel} null). */
    public static final int FORMAT_MINOR = 0;
    /** The oldest major still read: 2 differs from 3 only in the final StateHash's definition, which the replay picks by it. */
    public static final int OLDEST_MAJOR = 2;
    public static final String MANIFEST = "manifest.json";
    public static final String IMAGES = "images";
    public static final String JOURNAL = "journal";

    private final Path dir;
    private final Manifest manifest;
    private final long events;
    private final long lastIcount;
    private final boolean cutShort;
    /** The temporary directory a packed file was unpacked into (deleted by close), or null. */
    private Path unpackedInto;

    private Recording(Path dir, Manifest manifest, long events, long lastIcount, boolean cutShort) {
        this.dir = dir;
        this.manifest = manifest;
        this.events = events;
        this.lastIcount = lastIcount;
        this.cutShort = cutShort;
    }

    /**
     * Creates {@code dir} (must not exist or be empty) and writes the manifest, for a manifest that
     * names no image bytes to store; otherwise use {@link #create(Path, Manifest, Map)}.
     */
    public static Recording create(Path dir, Manifest manifest) throws IOException {
        return create(dir, manifest, Map.of());
    }

    /**
     * Creates {@code dir} (must not exist or be empty), stores every image the manifest names
     * ({@code images} maps SHA-256 hex to bytes; each must hash to its key) and then writes the
     * manifest atomically. The journal is then written with
     * {@link dev.kerf.formats.journal.JournalWriter#create(Path)} on {@link #journalDir()}.
     */
    public static Recording create(Path dir, Manifest manifest, Map<String, byte[]> images) throws IOException {
        if (manifest.formatVersion() != FORMAT_MAJOR)
            throw new IllegalArgumentException("manifest format version must be " + FORMAT_MAJOR);
        if (Files.isSymbolicLink(dir))
            throw new FileSystemException(dir.toString(), null, "is a symbolic link; kerf does not write a recording through a link");
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS))
                throw new FileSystemException(dir.toString(), null, "exists and is not a directory");
            try (var s = Files.list(dir)) {
                if (s.findAny().isPresent()) throw new FileSystemException(dir.toString(), null, "exists and is not empty");
            }
        } else {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null && Files.exists(parent) && !Files.isDirectory(parent))
                throw new FileSystemException(parent.toString(), null, "not a directory");
            if (parent != null) Files.createDirectories(parent);
            Files.createDirectory(dir); // exclusive: fails if anything appeared there meanwhile
        }
        Files.createDirectory(dir.resolve(IMAGES));
        for (Manifest.ImageRef r : imageRefs(manifest)) {
            byte[] b = images.get(r.sha256());
            if (b == null) throw new IllegalArgumentException("no bytes given for image " + r.name() + " (" + r.sha256() + ")");
            if (!sha256(b).equals(r.sha256()) || b.length != r.size())
                throw new IllegalArgumentException("image " + r.name() + " does not match its SHA-256 or size");
            Path p = dir.resolve(IMAGES).resolve(r.sha256());
            if (!Files.exists(p)) AtomicFile.write(p, b);
        }
        AtomicFile.write(dir.resolve(MANIFEST), ManifestJson.write(manifest));
        return new Recording(dir, manifest, 0, 0, true);
    }

    /** An image reference for {@code bytes}: its SHA-256, the given name and cmdline, its size. */
    public static Manifest.ImageRef imageRef(String name, byte[] bytes, String cmdline) {
        return new Manifest.ImageRef(sha256(bytes), name, bytes.length, cmdline);
    }

    /**
     * Opens and validates a recording directory or a packed file (unpacked to a temporary
     * directory): manifest, every image's size and hash, and every journal excerpt.
     *
     * @throws FormatException naming the file and offset of the first problem
     */
    public static Recording open(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            Path tmp = TempFiles.createDirectory("kerf-unpacked-");
            try {
                PackFile.unpack(path, tmp.resolve("recording"));
                Recording r = openDir(tmp.resolve("recording"));
                r.unpackedInto = tmp;
                return r;
            } catch (IOException | RuntimeException e) {
                TempFiles.delete(tmp);
                throw e;
            }
        }
        return openDir(path);
    }

    static Recording openDir(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new FormatException(dir, -1, "not a regular file or a recording directory");
        if (!Files.isDirectory(dir)) throw new FormatException(dir, -1, "no such recording (file or directory)");
        Manifest m = readManifest(dir.resolve(MANIFEST));
        for (Manifest.ImageRef r : imageRefs(m)) readImage(dir, r, m);
        long n = 0, last = 0;
        boolean cut;
        try (JournalReader j = JournalReader.open(dir.resolve(JOURNAL))) {
            for (Event e; (e = j.next()) != null; ) {
                n++;
                if (e instanceof Event.Interrupt i) last = i.icount();
                else if (e instanceof Event.PortChange c) last = c.icount();
                else if (e instanceof Event.StateHash h) last = h.icount();
                else if (e instanceof Event.End x) last = x.icount();
            }
            cut = j.cutShort();
        }
        return new Recording(dir, m, n, last, cut);
    }

    static Manifest readManifest(Path p) throws IOException {
        if (!Files.isRegularFile(p)) throw new FormatException(p, -1, "manifest missing");
        long size = Files.size(p);
        if (size > ManifestJson.MAX_BYTES) throw new FormatException(p, ManifestJson.MAX_BYTES, "manifest larger than 1 MiB");
        try {
            return ManifestJson.parse(readBounded(p, ManifestJson.MAX_BYTES));
        } catch (Json.JsonException e) {
            throw new FormatException(p, e.offset, e.getMessage());
        }
    }

    /** An image, no larger than the guest RAM it was loaded into (checked before reading), with its hash checked. */
    private static byte[] readImage(Path dir, Manifest.ImageRef r, Manifest m) throws IOException {
        int ramBytes = m.ramBytes();
        Manifest.ImageRef start = m.start();
        Path p = dir.resolve(IMAGES).resolve(r.sha256());
        if (!Files.isRegularFile(p)) throw new FormatException(p, -1, "image " + r.name() + " missing");
        long size = Files.size(p);
        if (size != r.size())
            throw new FormatException(p, Math.min(size, r.size()), "image " + r.name() + " is " + size + " bytes, manifest says " + r.size());
        long limit = r == start ? dev.kerf.formats.snapshot.SnapshotFile.maxFileBytes(ramBytes) : ramBytes;
        if (size > limit) throw new FormatException(p, -1, "image " + r.name() + " is " + size + " bytes, larger than "
                + (r == start ? "a snapshot of the recording's RAM (" + ramBytes + " bytes) can be" : "the recording's RAM (" + ramBytes + " bytes)"));
        byte[] b = readBounded(p, size);
        String actual = sha256(b);
        if (!actual.equals(r.sha256()))
            throw new FormatException(p, -1, "image " + r.name() + " hashes to " + actual + ", manifest says " + r.sha256());
        return b;
    }

    public Manifest manifest() { return manifest; }

    /** The recording directory (for a packed file: where it was unpacked). */
    public Path dir() { return dir; }

    public Path journalDir() { return dir.resolve(JOURNAL); }

    /** Events in the journal when it was opened (0 for a recording just created). */
    public long eventCount() { return events; }

    /**
     * The last instruction count an event names: the End's for a complete recording, for a cut-short
     * one the last icount-stamped event's (at least that many instructions ran). Found while the
     * journal is validated on open, so a caller need not read it again.
     */
    public long lastIcount() { return lastIcount; }

    /** True when the journal ended without an End event (the recorder was killed). */
    public boolean cutShort() { return cutShort; }

    /** The bytes of the image with this SHA-256 (hex), verified against its hash. */
    public byte[] image(String sha256) throws IOException {
        for (Manifest.ImageRef r : imageRefs(manifest))
            if (r.sha256().equals(sha256)) return readImage(dir, r, manifest);
        throw new IllegalArgumentException("the manifest names no image " + sha256);
    }

    /** For a recording opened from a packed file: deletes the temporary directory it was unpacked into. */
    @Override
    public void close() throws IOException {
        if (unpackedInto != null) TempFiles.delete(unpackedInto);
        unpackedInto = null;
    }

    /** Writes the recording at {@code recordingDir} as one portable file (atomically replaced). */
    public static void pack(Path recordingDir, Path outFile) throws IOException {
        PackFile.pack(openDir(recordingDir), outFile);
    }

    /** Unpacks a packed recording into {@code dir} (must not exist), validated before it appears. */
    public static void unpack(Path file, Path dir) throws IOException {
        PackFile.unpack(file, dir);
    }

    static List<Manifest.ImageRef> imageRefs(Manifest m) {
        List<Manifest.ImageRef> l = new java.util.ArrayList<>();
        if (m.kernel() != null) l.add(m.kernel());
        l.addAll(m.modules());
        if (m.start() != null) l.add(m.start());
        return l;
    }

    static boolean isSha256(String s) { return s.matches("[0-9a-f]{64}"); }

    /**
     * The recording's identity, which checkpoints and slices name their source by: the SHA-256 of
     * its manifest.json, hex. The manifest names every image by hash, so this covers them too.
     */
    public String id() throws IOException {
        return idOf(dir);
    }

    /** {@link #id()} of the recording directory {@code dir}. */
    public static String idOf(Path dir) throws IOException {
        return sha256(readBounded(dir.resolve(MANIFEST), ManifestJson.MAX_BYTES));
    }

    /** A regular file of at most {@code limit} bytes, whole; anything else is a FormatException naming it. */
    private static byte[] readBounded(Path p, long limit) throws IOException {
        try {
            return InputFile.readAll(p, limit, "this file");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new FormatException(p, -1, "missing");
        } catch (java.nio.file.FileSystemException e) {
            throw new FormatException(p, -1, e.getReason());
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }
}
