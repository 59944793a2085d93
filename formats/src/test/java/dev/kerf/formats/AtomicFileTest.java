package dev.kerf.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13 finding 2: a planted temporary name or a link at the target is never written through. */
class AtomicFileTest {
    @TempDir
    Path dir;

    private static final byte[] VICTIM = "the victim's bytes\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aLinkPlantedAtTheOldFixedTemporaryNameIsNeitherFollowedNorLeftAsTheOutput() throws IOException {
        Path victim = Files.write(dir.resolve("victim"), VICTIM);
        Path out = dir.resolve("out.kslice");
        Files.createSymbolicLink(dir.resolve(".out.kslice.tmp"), victim); // the name kerf used to write through

        AtomicFile.write(out, new byte[] {1, 2, 3});

        assertThat(Files.readAllBytes(victim)).isEqualTo(VICTIM);
        assertThat(Files.isSymbolicLink(out)).isFalse();
        assertThat(Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.readAllBytes(out)).containsExactly(1, 2, 3);
        assertThat(Files.readSymbolicLink(dir.resolve(".out.kslice.tmp"))).isEqualTo(victim);
        assertThat(leftovers()).containsExactlyInAnyOrder("victim", "out.kslice", ".out.kslice.tmp"); // no temporary file of ours
    }

    @Test
    void aLinkPlantedAtTheExactTemporaryNameIsRefusedNotFollowed() throws IOException {
        Path victim = Files.write(dir.resolve("victim"), VICTIM);
        Path out = dir.resolve("out.kslice");
        Path guessed = TempFiles.siblingName(out, ".tmp");
        Files.createSymbolicLink(guessed, victim);
        Path dangling = dir.resolve("dangling.tmp");
        Files.createSymbolicLink(dangling, dir.resolve("would-be-created"));

        assertThatThrownBy(() -> AtomicFile.create(out, guessed).close())
                .isInstanceOf(FileSystemException.class).hasMessageStartingWith(out + ": ").hasMessageContaining("already exists");
        assertThatThrownBy(() -> AtomicFile.create(out, dangling).close()).isInstanceOf(FileSystemException.class);

        assertThat(Files.readAllBytes(victim)).isEqualTo(VICTIM);
        assertThat(dir.resolve("would-be-created")).doesNotExist();
        assertThat(out).doesNotExist();
        assertThat(TempFiles.live()).doesNotContain(guessed, dangling);
    }

    @Test
    void temporaryNamesAreFreshEachTime() {
        Path out = dir.resolve("out.kslice");
        Path a = TempFiles.siblingName(out, ".tmp"), b = TempFiles.siblingName(out, ".tmp");
        assertThat(a).isNotEqualTo(b);
        assertThat(a.getFileName().toString()).matches("\\.out\\.kslice\\.[0-9a-f]{16}\\.tmp");
        assertThat(a.getParent()).isEqualTo(out.toAbsolutePath().getParent());
    }

    @Test
    void aTargetThatIsALinkADirectoryOrADeviceIsRefusedByName() throws IOException {
        Path victim = Files.write(dir.resolve("victim"), VICTIM);
        Path link = Files.createSymbolicLink(dir.resolve("link.kslice"), victim);
        assertThatThrownBy(() -> AtomicFile.write(link, new byte[] {9}))
                .hasMessage(link + ": is a symbolic link; kerf does not write through links (remove it or name another file)");
        assertThat(Files.readAllBytes(victim)).isEqualTo(VICTIM);
        assertThat(Files.isSymbolicLink(link)).isTrue();

        Path sub = Files.createDirectory(dir.resolve("sub"));
        assertThatThrownBy(() -> AtomicFile.write(sub, new byte[] {9})).hasMessage(sub + ": is a directory");
        Path devNull = Path.of("/dev/null");
        if (Files.exists(devNull)) {
            assertThatThrownBy(() -> AtomicFile.write(devNull, new byte[] {9})).hasMessageStartingWith("/dev/null: is not a regular file");
        }
        Path inFile = victim.resolve("x.kslice");
        assertThatThrownBy(() -> AtomicFile.write(inFile, new byte[] {9})).isInstanceOf(FileSystemException.class)
                .hasMessage(inFile + ": not a directory");
        assertThat(leftovers()).containsExactlyInAnyOrder("victim", "link.kslice", "sub");
    }

    @Test
    void anExistingRegularFileIsReplacedWhole() throws IOException {
        Path out = Files.write(dir.resolve("out.svg"), VICTIM);
        AtomicFile.write(out, new byte[] {4});
        assertThat(Files.readAllBytes(out)).containsExactly(4);
        assertThat(leftovers()).containsExactly("out.svg");
    }

    @Test
    void closingWithoutACommitLeavesNothing() throws IOException {
        Path out = dir.resolve("out.kpack");
        Path tmp;
        try (AtomicFile f = AtomicFile.create(out)) {
            f.channel().write(java.nio.ByteBuffer.wrap(VICTIM));
            tmp = TempFiles.live().stream().filter(p -> p.getParent().equals(dir.toAbsolutePath())).findFirst().orElseThrow();
            assertThat(tmp).exists();
        }
        assertThat(tmp).doesNotExist();
        assertThat(TempFiles.live()).doesNotContain(tmp);
        assertThat(leftovers()).isEmpty();
    }

    private List<String> leftovers() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
