package dev.kerf.cli;

import dev.kerf.testkit.BzImages;
import dev.kerf.testkit.BzImages.Header;
import dev.kerf.testkit.HostPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14: {@code kerf run/record KERNEL --initrd FILE --append CMDLINE} with a Linux bzImage. The
 * crafted image prints the command line and the initrd it was handed (through ESI and the zero
 * page) and exits with CS + DS; a real Debian 686 kernel, when one is at hand, reads its command
 * line in the decompressor.
 */
class LinuxBootTest {
    @TempDir
    Path tmp;

    @Test
    void aBzImageRunsWithItsCommandLineAndInitrdAndRecordsAndReplaysTheSame() throws Exception {
        Path kernel = Files.write(tmp.resolve("bzImage"), BzImages.image(Header.standard()));
        Path initrd = Files.writeString(tmp.resolve("initrd.img"), "|initrd bytes");
        Cli.Outcome run = Cli.run("", "run", kernel.toString(), "--initrd", initrd.toString(), "--append", "root=/dev/ram0 quiet");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(BzImages.EXIT_STATUS);
        assertThat(run.out()).isEqualTo("root=/dev/ram0 quiet|initrd bytes"); // QEMU's way: no kernel name in front

        Path rec = tmp.resolve("linux.kerf");
        Cli.Outcome recorded = Cli.run("", "record", "-o", rec.toString(), kernel.toString(), "--initrd", initrd.toString(),
                "--append", "root=/dev/ram0 quiet");
        assertThat(recorded.exitCode()).as(recorded.err()).isEqualTo(BzImages.EXIT_STATUS);
        assertThat(recorded.out()).isEqualTo(run.out());
        Files.delete(initrd); // the recording holds its own copy
        Files.delete(kernel);
        Cli.Outcome replay = Cli.run("", "replay", rec.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.out()).isEqualTo(run.out());
    }

    /** For a Multiboot kernel --initrd is a module, as QEMU's -initrd is: the guest OS finds its initrd.tar. */
    @Test
    void forAMultibootKernelTheInitrdIsItsFirstModule() throws Exception {
        Path kernel = GuestOs.kernel();
        Cli.Outcome r = Cli.run("", "run", kernel.toString(), "--initrd", kernel.resolveSibling("initrd.tar").toString(),
                "--mem", "32M", "--append", "scenario=smoke", "--clock", "virtual", "--max-insns", "2G");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(7); // as docs/cli.md's smoke example with --module
        assertThat(r.out()).contains("initrd " + Files.size(kernel.resolveSibling("initrd.tar")) + " bytes");
    }

    @Test
    void badImagesAndInitrdsAreBadInputInOneLine() throws Exception {
        byte[] image = BzImages.image(Header.standard());
        Path cut = Files.write(tmp.resolve("cut"), Arrays.copyOf(image, image.length - 16));
        Cli.Outcome r = Cli.run("", "run", cut.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).isEqualTo("kerf: " + cut + ": offset 0x1f4: truncated: syssize says 64 bytes of protected-mode"
                + " kernel from offset 0x400, but the file has 48\n");

        Path old = Files.write(tmp.resolve("old"), BzImages.image(Header.standard().withVersion(0x0204)));
        r = Cli.run("", "record", "-o", tmp.resolve("old.kerf").toString(), old.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).startsWith("kerf: " + old + ": offset 0x206: Linux boot protocol 2.04 is older than 2.06").hasLineCount(1);
        assertThat(tmp.resolve("old.kerf")).doesNotExist();

        Path kernel = Files.write(tmp.resolve("bzImage"), image);
        Path big = Files.write(tmp.resolve("big.img"), new byte[3 << 20]);
        r = Cli.run("", "run", kernel.toString(), "--initrd", big.toString(), "--mem", "4M");
        assertThat(r.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).isEqualTo("kerf: " + big + ": the initrd (3145728 bytes) does not fit in RAM between the kernel's"
                + " end 0x203000 and 0x400000 (initrd_addr_max 0x7fffffff, RAM 4 MiB; see --mem)\n");

        Path shortLine = Files.write(tmp.resolve("short"), BzImages.image(Header.standard().withCmdlineSize(8)));
        r = Cli.run("", "run", shortLine.toString(), "--append", "console=ttyS0");
        assertThat(r.exitCode()).isEqualTo(ExitCode.BAD_INPUT.code());
        assertThat(r.err()).isEqualTo("kerf: " + shortLine + ": offset 0x238: the command line is 13 bytes, longer than the"
                + " kernel's cmdline_size (8)\n");
    }

    /**
     * A Debian 686 kernel (KERF_LINUX_KERNEL, see HostPackages.LINUX_KERNEL): within 5M instructions its
     * decompressor has found the command line through the zero page and said so on COM1.
     */
    @Test
    void aRealKernelsDecompressorReadsTheCommandLine() {
        HostPackages.require(HostPackages.LINUX_KERNEL);
        Cli.Outcome r = Cli.run("", "run", HostPackages.linuxKernel().toString(), "--append",
                "console=ttyS0 earlyprintk=serial nokaslr", "--max-insns", "5M", "--clock", "virtual");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.MAX_INSNS.code());
        assertThat(r.out()).contains("KASLR disabled: 'nokaslr' on cmdline.");
    }
}
