package dev.kerf.slicer.component;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The guest's buggy binary (built by examples/guest's Makefile) read through a ustar archive, and damaged inputs. */
class ElfSymbolsTest {
    private static byte[] buggy() throws Exception {
        String root = System.getProperty("kerf.root");
        if (root == null) throw new IllegalStateException("kerf.root is not set: run the tests through Maven");
        Path dir = Path.of(root).resolve("examples/guest");
        Process make = new ProcessBuilder("make", "-s", "-C", dir.toString()).inheritIO().start();
        if (make.waitFor() != 0) throw new IllegalStateException("make -C " + dir + " failed");
        return Files.readAllBytes(dir.resolve("build/initrd.tar"));
    }

    @Test
    void theInitrdHoldsBuggyWithItsFunctionSymbols() throws Exception {
        byte[] tar = buggy();
        assertThat(Ustar.list(tar, "bin/")).contains("buggy", "vault", "sh");
        byte[] elf = Ustar.find(tar, "bin/buggy");
        assertThat(elf).isNotNull();
        ElfSymbols s = ElfSymbols.parse("buggy", elf);
        assertThat(s.functions()).extracting(ElfSymbols.Function::name).contains("strcpy", "strcmp", "main", "parse_field", "parse_line");
        ElfSymbols.Function strcpy = s.functions().stream().filter(f -> f.name().equals("strcpy")).findFirst().orElseThrow();
        assertThat(s.at(strcpy.start() + 1)).isEqualTo(strcpy);
        assertThat(s.at(strcpy.end())).isNotEqualTo(strcpy);
        byte[] code = s.bytesAt(strcpy.start(), (int) (strcpy.end() - strcpy.start()));
        assertThat(code).isNotEqualTo(new byte[code.length]); // real text, not zeros
        assertThat(Ustar.find(tar, "bin/nosuch")).isNull();
    }

    @Test
    void aDamagedElfIsOneErrorWithTheOffset() throws Exception {
        byte[] elf = Ustar.find(buggy(), "bin/buggy");
        assertThatThrownBy(() -> ElfSymbols.parse("buggy", Arrays.copyOf(elf, 40))).isInstanceOf(ComponentSliceException.class)
                .hasMessageContaining("buggy: offset 0");
        assertThatThrownBy(() -> ElfSymbols.parse("buggy", Arrays.copyOf(elf, 0x1000))).isInstanceOf(ComponentSliceException.class)
                .hasMessageStartingWith("buggy: offset ");
    }

    @Test
    void aFunctionSizeLargerThanTheFileIsRefusedBeforeItsBytesAreCopied() throws Exception {
        byte[] elf = Ustar.find(buggy(), "bin/buggy");
        ElfSymbols.Function strcpy = ElfSymbols.parse("buggy", elf).functions().stream()
                .filter(f -> f.name().equals("strcpy")).findFirst().orElseThrow();
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        int entry = -1; // st_value, st_size of strcpy's .symtab entry
        for (int i = 0; i + 8 <= elf.length && entry < 0; i += 4) {
            if (b.getInt(i) == (int) strcpy.start() && b.getInt(i + 4) == (int) (strcpy.end() - strcpy.start())) entry = i;
        }
        assertThat(entry).isPositive();
        b.putInt(entry + 4, 0x7FFF_FFF0); // bytesAt would allocate 2 GiB for it
        assertThatThrownBy(() -> ElfSymbols.parse("buggy", elf)).isInstanceOf(ComponentSliceException.class)
                .hasMessageStartingWith("buggy: offset " + (entry - 4) + ": function size 2147483632 is larger than the file");
    }

    @Test
    void aTarWithALyingSizeFindsNothing() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] header = new byte[512];
        byte[] name = "bin/x".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(name, 0, header, 0, name.length);
        byte[] size = "77777777777".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(size, 0, header, 124, size.length);
        header[156] = '0';
        b.writeBytes(header);
        b.writeBytes(new byte[512]);
        assertThat(Ustar.find(b.toByteArray(), "bin/x")).isNull();
        assertThat(Ustar.list(b.toByteArray(), "bin/")).isEmpty();
    }
}
