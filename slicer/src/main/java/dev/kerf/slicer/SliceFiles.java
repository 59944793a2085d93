package dev.kerf.slicer;

import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.formats.slice.Slice;
import dev.kerf.formats.slice.SliceReader;
import dev.kerf.formats.slice.SliceWriter;
import dev.kerf.slicer.privacy.CleanFile;
import dev.kerf.slicer.privacy.FinalScan;
import dev.kerf.slicer.time.TimeSliceReplay;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * The entry points every slice stage shares: read a slice from a file or stdin ({@code -}),
 * replay any kind, verify fresh bytes, publish verified bytes to a file or stdout.
 */
public final class SliceFiles {
    /** The name {@code -} stands for stdin or stdout. */
    public static final String STDIO = "-";

    private SliceFiles() {}

    /** Reads a slice: {@code name} is a path or {@code -} for {@code stdin} (at most {@link dev.kerf.formats.slice.SliceFile#STDIN_LIMIT} bytes). */
    public static Slice read(String name, InputStream stdin) throws IOException {
        return read(name, stdin, dev.kerf.formats.slice.SliceFile.STDIN_LIMIT);
    }

    /**
     * Reads a slice: {@code name} is a path or {@code -} for {@code stdin}, which is spooled to a
     * temporary file of at most {@code stdinLimit} bytes (a longer stream is refused, naming it).
     */
    public static Slice read(String name, InputStream stdin, long stdinLimit) throws IOException {
        if (STDIO.equals(name)) return SliceReader.read(stdin, Path.of("<stdin>"), stdinLimit);
        return SliceReader.read(Path.of(name));
    }

    /**
     * Replays a slice of any kind, console output of its window to {@code console} (or null).
     * STOPPED means verified to the slice's end; DIVERGED carries the first mismatch.
     */
    public static ReplayResult replay(Slice slice, OutputStream console) throws IOException {
        switch (slice.header().kind()) {
            case TIME:
                return TimeSliceReplay.open(slice, console).run();
            default:
                throw new UnsupportedOperationException("this kerf cannot replay " + slice.header().kind().jsonName() + " slices yet");
        }
    }

    /**
     * Reads back and replays freshly made slice bytes; returns the slice when it verifies.
     *
     * @throws SliceVerifyException when it does not (nothing may then be published)
     */
    public static Slice verify(byte[] bytes, Path name) throws IOException {
        Slice slice = SliceReader.read(bytes, name);
        ReplayResult r = replay(slice, null);
        if (r.outcome() != ReplayResult.Outcome.STOPPED)
            throw new SliceVerifyException("the slice does not replay, so it is not written: "
                    + (r.divergence() != null ? r.divergence().message() : r.outcome().toString()), r);
        return slice;
    }

    /**
     * Publishes a file that passed the final scan ({@link FinalScan}: the only way to get a
     * {@link CleanFile}, so nothing unscanned can be published): to {@code out} atomically
     * (temporary sibling, renamed), or to {@code stdout} when {@code out} is {@code -}.
     */
    public static void publish(CleanFile clean, String out, OutputStream stdout) throws IOException {
        if (STDIO.equals(out)) SliceWriter.writeTo(stdout, clean.bytes());
        else SliceWriter.writeFile(Path.of(out), clean.bytes());
    }
}
