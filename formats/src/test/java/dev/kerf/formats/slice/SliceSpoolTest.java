package dev.kerf.formats.slice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kerf.formats.FormatException;
import dev.kerf.formats.TempFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Issue 13 finding 3: a slice read from stdin is spooled to at most a limit, and the spool never stays behind. */
class SliceSpoolTest {
    /** {@code /dev/zero}: never ends. Counts what was read. */
    static final class Zeros extends InputStream {
        long read;

        @Override
        public int read() {
            read++;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 0);
            read += len;
            return len;
        }
    }

    @Test
    void anEndlessStreamStopsAtTheLimitWithOneLineAndNoSpoolLeft() throws IOException {
        Set<Path> before = spools();
        Zeros zeros = new Zeros();
        // a stream that starts like a slice, then never ends
        java.io.InputStream endless = new java.io.SequenceInputStream(new ByteArrayInputStream(SliceFile.MAGIC), zeros);
        assertThatThrownBy(() -> SliceReader.read(endless, Path.of("<stdin>"), 1 << 20))
                .isInstanceOf(FileSystemException.class)
                .hasMessage("<stdin>: longer than the stdin limit of 1048576 bytes (--stdin-limit); nothing was read");
        assertThat(zeros.read).isBetween((1L << 20) - 8, (1L << 20) + (1 << 16)); // stopped within one buffer of the limit
        assertThat(spools()).isEqualTo(before);
        // a stream that does not start like a kerf file is refused after its magic, never spooled on
        Zeros plain = new Zeros();
        assertThatThrownBy(() -> SliceReader.read(plain, Path.of("<stdin>"), 1L << 40))
                .isInstanceOf(FormatException.class).hasMessageStartingWith("<stdin> at offset 0x0: ");
        assertThat(plain.read).isLessThanOrEqualTo(8 + (1 << 16));
        assertThat(spools()).isEqualTo(before);
        assertThat(TempFiles.live()).noneMatch(p -> p.getFileName().toString().startsWith("kerf-stdin-"));
    }

    @Test
    void aStreamWithinTheLimitIsReadAndItsSpoolDeleted() throws IOException {
        Set<Path> before = spools();
        byte[] slice = new SliceWriter(SliceFileTest.header()).finish();
        Slice s = SliceReader.read(new ByteArrayInputStream(slice), Path.of("<stdin>"), slice.length);
        assertThat(s.file()).isEqualTo(Path.of("<stdin>"));
        assertThatThrownBy(() -> SliceReader.read(new ByteArrayInputStream(new byte[3]), Path.of("<stdin>"), 100))
                .isInstanceOf(FormatException.class).hasMessageStartingWith("<stdin> at offset 0x0: ");
        assertThat(spools()).isEqualTo(before);
    }

    private static Set<Path> spools() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("kerf-stdin-")).collect(Collectors.toSet());
        }
    }

}
