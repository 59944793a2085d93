package dev.kerf.emulator.snapshot;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuState;
import dev.kerf.emulator.mmu.PhysicalMemory;
import dev.kerf.formats.FormatException;
import dev.kerf.formats.checkpoint.CheckpointData;
import dev.kerf.formats.checkpoint.CheckpointFile;
import dev.kerf.formats.checkpoint.CheckpointHeader;
import dev.kerf.formats.journal.Position;
import dev.kerf.formats.checkpoint.PageMap;
import dev.kerf.formats.checkpoint.PageStore;
import dev.kerf.formats.recording.Recording;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The checkpoints of one recording, in {@code <recording>/checkpoints/}: one file per checkpoint
 * ({@code <icount, 20 digits>.kcp}, see {@link CheckpointFile}) and the shared page store
 * {@value #PAGES} (see {@link PageStore}). Checkpoints are a cache: deleting them changes speed,
 * never results. So a checkpoint that cannot be read completely, is not a regular file (links are
 * not followed), or belongs to another recording, is never trusted: it is skipped with a line in
 * {@link #warnings()} naming the file (so is one {@link #reject}ed after loading, when its state
 * does not fit the recording: {@link CheckpointedReplay}); a page found damaged is
 * appended afresh by the next {@link #write} of this store, and a checkpoint written again at the
 * same icount replaces the old file.
 *
 * <p>Not thread-safe (one replay uses one store); two processes may share a directory (checkpoint
 * files appear by atomic rename, page appends hold a file lock).
 */
public final class CheckpointStore implements Closeable {
    public static final String DIR = "checkpoints";
    /** The page pack's file name in the checkpoint directory. */
    public static final String PAGES = "pages.kpp";

    private final Path dir;
    private final byte[] recordingId;
    /** Opened on first use, so that looking for checkpoints where there are none creates nothing. */
    private PageStore pages;
    private final CpuStateCodec codec = new CpuStateCodec();
    private final List<String> warnings = new ArrayList<>();
    private final Set<Long> rejected = new TreeSet<>();

    private CheckpointStore(Path dir, byte[] recordingId) {
        if (recordingId.length != 32) throw new IllegalArgumentException("recording id must be a SHA-256 (32 bytes)");
        this.dir = dir;
        this.recordingId = recordingId.clone();
    }

    /**
     * The page pack, opened (or created) now; a pack of another format is deleted and started
     * afresh (a cache). A pack path that is not a regular file is left alone: an IOException
     * ({@link PageStore.NotAPack}), and no checkpoint of this store can be loaded or written.
     */
    private PageStore pages() throws IOException {
        if (pages != null) return pages;
        Files.createDirectories(dir);
        Path file = dir.resolve(PAGES);
        try {
            pages = PageStore.open(file);
        } catch (FormatException e) {
            warnings.add("unreadable page pack deleted (its checkpoints are rebuilt by replaying): " + e.getMessage());
            Files.deleteIfExists(file);
            pages = PageStore.open(file);
        }
        return pages;
    }

    /**
     * The checkpoint at {@code icount} was found wrong after it loaded (its restored state does
     * not fit the recording): {@code why} becomes a warning naming {@code file}, and
     * {@link #rejected} tells a replay writing checkpoints to replace it.
     */
    public void reject(Path file, long icount, String why) {
        warnings.add("checkpoint " + file + ": " + why + "; ignored");
        rejected.add(icount);
    }

    /** Icounts of the checkpoints skipped so far (unreadable, foreign or {@link #reject}ed): a replay passing them writes them afresh. */
    public Set<Long> rejected() {
        return Collections.unmodifiableSet(rejected);
    }

    @Override
    public void close() throws IOException {
        if (pages != null) pages.close();
        pages = null;
    }

    /** The store beside the recording directory {@code recordingDir}; its id is the SHA-256 of its manifest.json. */
    public static CheckpointStore open(Path recordingDir) throws IOException {
        return new CheckpointStore(recordingDir.resolve(DIR), HexFormat.of().parseHex(Recording.idOf(recordingDir)));
    }

    /**
     * The store in {@code checkpointDir} for the recording (directory) {@code recordingDir}: for a
     * packed recording, whose unpacked directory is temporary, the checkpoints live beside the file.
     */
    public static CheckpointStore open(Path recordingDir, Path checkpointDir) throws IOException {
        return new CheckpointStore(checkpointDir, HexFormat.of().parseHex(Recording.idOf(recordingDir)));
    }

    /**
     * The store of the recording the user named as {@code source}: {@code source/checkpoints} for a
     * directory, {@code FILE.checkpoints} beside a packed file ({@code opened} is its unpacked copy).
     */
    public static CheckpointStore forSource(Path source, Path openedDir) throws IOException {
        if (Files.isDirectory(source)) return open(source);
        return open(openedDir, source.resolveSibling(source.getFileName() + ".checkpoints"));
    }

    /** A store in {@code checkpointDir} for the recording whose manifest hashes to {@code recordingId}. */
    public static CheckpointStore open(Path checkpointDir, byte[] recordingId) {
        return new CheckpointStore(checkpointDir, recordingId);
    }

    public Path dir() { return dir; }

    /** Problems met so far, one line each: checkpoints skipped and why. */
    public List<String> warnings() { return List.copyOf(warnings); }

    /** What {@link #write} did: the file, its size, and the RAM pages it named and newly stored. */
    public record Written(Path file, long fileBytes, int pages, long newPages) {}

    /** As {@link #write(long, Position, Cpu, PhysicalMemory, byte[])} without device state (a replay). */
    public Written write(long icount, Position position, Cpu cpu, PhysicalMemory memory) throws IOException {
        return write(icount, position, cpu, memory, new byte[0]);
    }

    /** As {@link #write(long, Position, Cpu, PhysicalMemory, byte[])} without device state (a replay). */
    public Written write(Position position, Cpu cpu) throws IOException {
        return write(cpu.icount, position, cpu, cpu.memory, new byte[0]);
    }

    /**
     * Stores the state of {@code cpu} and {@code memory} at {@code icount} (which must be the
     * CPU's icount: call between {@code run()} calls) with the journal position it corresponds
     * to. Pages first, then the checkpoint file by atomic rename: a checkpoint never names a page
     * that was not written.
     */
    public Written write(long icount, Position position, Cpu cpu, PhysicalMemory memory, byte[] devices) throws IOException {
        if (cpu.icount != icount) throw new IllegalArgumentException("the CPU is at icount " + cpu.icount + ", not " + icount);
        if (cpu.memory != memory) throw new IllegalArgumentException("the CPU does not use this memory");
        PageStore pages = pages();
        long before = pages.pagesWritten();
        PageMap map = pages.capture(memory.array());
        CheckpointHeader header = new CheckpointHeader(icount, position, recordingId, memory.size());
        Path file = dir.resolve(CheckpointFile.fileName(icount));
        CheckpointFile.write(file, new CheckpointData(header, codec.encode(CpuState.capture(cpu)), devices, map));
        rejected.remove(icount); // replaced by a good one
        return new Written(file, Files.size(file), map.size(), pages.pagesWritten() - before);
    }

    /**
     * Headers of the checkpoint files that read cleanly and belong to this recording, by icount
     * (pages are not checked here; {@link #nearest} checks them). Others are skipped with a warning.
     */
    public List<CheckpointHeader> list() {
        List<CheckpointHeader> out = new ArrayList<>();
        for (Path f : files()) {
            long at = icountOf(f);
            if (rejected.contains(at)) continue;
            CheckpointData d = readFile(f, at);
            if (d != null) out.add(d.header());
        }
        return out;
    }

    /**
     * The latest checkpoint at or before {@code icount} that reads and checks completely (file,
     * CPU state, recording, every page); empty when there is none, and the replay starts from
     * the beginning.
     */
    public Optional<Checkpoint> nearest(long icount) throws IOException {
        List<Path> files = files();
        for (int i = files.size() - 1; i >= 0; i--) {
            Path f = files.get(i);
            Long at = icountOf(f);
            if (at == null || at > icount || rejected.contains(at)) continue;
            Checkpoint c = load(f, at);
            if (c != null) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** Reads one checkpoint completely; null (with a warning) when any part of it is bad or cannot be read. */
    private Checkpoint load(Path f, long at) {
        CheckpointData d = readFile(f, at);
        if (d == null) return null;
        try {
            CpuState cpu = codec.decode(d.cpu(), f, CheckpointFile.CPU_DATA_OFFSET);
            if (cpu.icount() != d.header().icount())
                throw new FormatException(f, CheckpointFile.CPU_DATA_OFFSET, "CPU state at icount " + cpu.icount()
                        + " in a checkpoint at icount " + d.header().icount());
            byte[] ram;
            try {
                ram = pages().load(d.ram());
            } catch (FormatException e) { // a damaged page record is dropped from the index: the next write appends a good copy
                reject(f, at, "a RAM page it names is missing or damaged (" + e.getMessage() + ")");
                return null;
            }
            return new Checkpoint(f, d.header(), cpu, d.devices(), d.ram(), ram);
        } catch (FormatException e) {
            skip(e, at);
        } catch (IOException e) {
            reject(f, at, "its pages cannot be read (" + describe(e) + ")");
        }
        return null;
    }

    private CheckpointData readFile(Path f, long at) {
        try {
            CheckpointData d = CheckpointFile.read(f);
            if (!d.header().sameRecording(recordingId)) {
                reject(f, at, "belongs to another recording");
                return null;
            }
            if (d.header().icount() != at) {
                reject(f, at, "holds icount " + d.header().icount() + ", not the icount its name says");
                return null;
            }
            return d;
        } catch (FormatException e) {
            skip(e, at);
        } catch (IOException e) {
            reject(f, at, "cannot be read (" + describe(e) + ")");
        }
        return null;
    }

    /** A FormatException's message names the file (and offset) already. */
    private void skip(FormatException e, long at) {
        warnings.add("checkpoint " + e.getMessage() + "; ignored (it is rebuilt by replaying)");
        rejected.add(at);
    }

    private static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getFile() + ": " + f.getReason();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Checkpoint files by icount (file names sort as icounts: 20 digits). A checkpoint directory
     * that is missing holds none; one that cannot be listed (not a directory, unreadable) holds
     * none either, with a warning: the replay starts from the beginning.
     */
    private List<Path> files() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> icountOf(p) != null).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | UncheckedIOException e) {
            String why = e instanceof NotDirectoryException ? "not a directory"
                    : e instanceof IOException io ? describe(io) : describe(((UncheckedIOException) e).getCause());
            String line = "checkpoint directory " + dir + ": " + why + "; no checkpoint used";
            if (!warnings.contains(line)) warnings.add(line);
            return List.of();
        }
    }

    private static Long icountOf(Path f) {
        String n = f.getFileName().toString();
        if (!n.matches("[0-9]{20}" + java.util.regex.Pattern.quote(CheckpointFile.SUFFIX))) return null;
        try {
            return Long.parseLong(n.substring(0, 20));
        } catch (NumberFormatException e) {
            return null; // beyond int64: not a name kerf writes
        }
    }

}
