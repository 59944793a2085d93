package dev.kerf.emulator.introspect.linux;

import dev.kerf.formats.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinuxProfileFileTest {
    static final LinuxTaskLayout LAYOUT = new LinuxTaskLayout(0xC0000000, 0xC7F2D000, 0x1B0A8, 0x10, 0x2000, 0x1FB4, 0x320,
            0x47C, 0x2A4, 0x24, 0x328, 0x260, 0x2FC, 0x20, 0xC5E0C6C0);

    @TempDir
    Path tmp;

    @Test
    void aSavedProfileReadsBackAsTheSameLayout() throws IOException {
        Path f = tmp.resolve("k.kprofile");
        new LinuxProfileFile("Linux version 6.1.0-57-686 (debian)", 0xC5000000L, LAYOUT).write(f);
        LinuxProfileFile back = LinuxProfileFile.read(f);
        assertThat(back.layout()).isEqualTo(LAYOUT);
        assertThat(back.kernel()).isEqualTo("Linux version 6.1.0-57-686 (debian)");
        assertThat(back.text()).isEqualTo(0xC5000000L);
        assertThat(Files.readString(f)).contains("\"pageOffset\": 3221225472").endsWith("}\n");
        new LinuxProfileFile(null, null, LAYOUT).write(f);
        assertThat(LinuxProfileFile.read(f).kernel()).isNull();
        assertThat(LinuxProfileFile.read(f).text()).isNull();
    }

    @Test
    void everyTruncationIsOneLineNamingTheFileAndAnOffset() {
        byte[] good = new LinuxProfileFile("k", 0xC5000000L, LAYOUT).encode();
        Path name = Path.of("t.kprofile");
        for (int n = 0; n < good.length - 1; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            assertThatThrownBy(() -> LinuxProfileFile.decode(cut, name)).as("cut at %d", n)
                    .isInstanceOf(FormatException.class).hasMessageContaining("t.kprofile").hasMessageContaining("offset")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void everyFlippedBitIsRefusedInOneLineOrReadsAsAProfile() {
        byte[] good = new LinuxProfileFile("k", 0xC5000000L, LAYOUT).encode();
        Path name = Path.of("f.kprofile");
        int refused = 0;
        for (int at = 0; at < good.length; at++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[at] ^= (byte) (1 << bit);
                try {
                    LinuxProfileFile p = LinuxProfileFile.decode(bad, name);
                    assertThat(LinuxProfileFile.decode(p.encode(), name)).isEqualTo(p); // a value changed: still a whole profile
                } catch (FormatException e) {
                    assertThat(e.getMessage()).contains("f.kprofile").contains("offset").doesNotContain("\n");
                    refused++;
                }
            }
        }
        assertThat(refused).isGreaterThan(good.length * 4);
    }

    @Test
    void aDirectoryIsNotAProfile() {
        assertThatThrownBy(() -> LinuxProfileFile.read(tmp)).isInstanceOf(IOException.class);
    }

    @Test
    void wrongVersionsKindsMembersAndValuesAreRefusedWhereTheyAre() {
        String good = new String(new LinuxProfileFile("k", 0xC5000000L, LAYOUT).encode(), StandardCharsets.UTF_8);
        refused(good.replace("\"version\": 1", "\"version\": 2"), "version 2, this kerf reads 1: use a newer kerf");
        refused(good.replace("linux-i386", "linux-x86_64"), "kind \"linux-x86_64\"");
        refused(good.replace("kerf-guest-profile", "something-else"), "not a kerf guest profile");
        refused(good.replace("\"offPid\"", "\"offPID\""), "missing \"offPid\"");
        refused(good.replace("\"offPid\": 800", "\"offPid\": -1"), "\"offPid\" is not an unsigned 32-bit value");
        refused(good.replace("\"offPid\": 800", "\"offPid\": 4294967296"), "\"offPid\" is not an unsigned 32-bit value");
        refused(good.replace("\"offPid\": 800", "\"offPid\": \"800\""), "\"offPid\" must be an integer");
        refused(good.replace("\"kernel\": \"k\"", "\"kernel\": 5"), "\"kernel\" must be a string or null");
        refused(good.replace("\"kernel\": \"k\",", "\"kernel\": \"k\", \"extra\": 1,"), "unknown member \"extra\"");
        refused(good.replace("\"offPid\": 800,", "\"offPid\": 800, \"offPid\": 800,"), "duplicate key");
        refused("[]", "must be a JSON object");
        refused(good.replace("\"text\": 3305111552", "\"text\": -5"), "\"text\" must be an unsigned 32-bit address or null");
    }

    private static void refused(String text, String message) {
        assertThatThrownBy(() -> LinuxProfileFile.decode(text.getBytes(StandardCharsets.UTF_8), Path.of("p.kprofile")))
                .isInstanceOf(FormatException.class).hasMessageContaining("p.kprofile").hasMessageContaining(message);
    }

    @Test
    void aHugeFileIsNotReadWhole() throws IOException {
        Path f = tmp.resolve("big.kprofile");
        Files.write(f, new byte[LinuxProfileFile.MAX_BYTES + 1]);
        assertThatThrownBy(() -> LinuxProfileFile.read(f)).isInstanceOf(FormatException.class).hasMessageContaining("a few hundred bytes");
    }
}
