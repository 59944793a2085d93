package dev.kerf.formats;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Whole-file reads of hostile inputs: special files and directories refused by name, sizes bounded before allocating. */
class InputFileTest {
    @TempDir
    Path tmp;

    @Test
    void aRegularFileWithinTheLimitIsReadWhole() throws Exception {
        Path f = Files.write(tmp.resolve("k.elf"), new byte[] {1, 2, 3});
        assertThat(InputFile.readAll(f, 3, "a kernel")).containsExactly(1, 2, 3);
    }

    @Test
    void aDeviceIsRefusedByNameBeforeAnythingIsRead() {
        assertThatThrownBy(() -> InputFile.readAll(Path.of("/dev/zero"), Long.MAX_VALUE, "a kernel"))
                .isInstanceOf(FileSystemException.class).hasMessage("/dev/zero: not a regular file");
    }

    @Test
    void aDirectoryOrAMissingFileIsRefusedByName() {
        assertThatThrownBy(() -> InputFile.readAll(tmp, 1 << 20, "a kernel"))
                .isInstanceOf(FileSystemException.class).hasMessage(tmp + ": is a directory");
        assertThatThrownBy(() -> InputFile.readAll(tmp.resolve("nope"), 1 << 20, "a kernel"))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aFileOverTheLimitIsRefusedWithBothSizes() throws Exception {
        Path f = Files.write(tmp.resolve("big"), new byte[(3 << 20) / 2]);
        assertThatThrownBy(() -> InputFile.readAll(f, 1 << 20, "a guest program"))
                .isInstanceOf(FileSystemException.class)
                .hasMessage(f + ": 1.5 MiB: larger than the 1.0 MiB limit for a guest program");
        assertThatThrownBy(() -> InputFile.readAll(f, 1000, "a manifest"))
                .hasMessage(f + ": 1.5 MiB: larger than the 1,000 bytes limit for a manifest");
    }
}
