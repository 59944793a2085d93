package dev.kerf.emulator.device;

import dev.kerf.testkit.HostPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential test: the same port accesses on kerf's devices and on qemu-system-i386's (with an
 * IDE disk and an ne2k_isa NIC), through the portscript.S guest. Only time-independent behaviour
 * is compared (registers, PROM, remote DMA, ATA transfers, transmitted frames). Needs gcc, ld and
 * qemu-system-i386 (as the guests do); without them the test is skipped, unless CI=true, where it
 * fails.
 */
class PortScriptQemuTest {
    @TempDir
    Path dir;

    @Test
    void devicesAnswerLikeQemu() throws Exception {
        requireTools();
        Path kernel = buildGuest();
        Path disk = dir.resolve("disk.img");
        byte[] image = new byte[64 * 512];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) (i * 31 + i / 512);
        }
        Files.write(disk, image);
        Path kerfDisk = dir.resolve("kerf-disk.img");
        Files.write(kerfDisk, image);

        PortScript script = DeviceScripts.all();
        Path module = dir.resolve("script.bin");
        Files.write(module, script.bytes());

        Path qemuPcap = dir.resolve("qemu.pcap");
        List<String> qemu = runQemu(kernel, module, disk, qemuPcap);
        Path kerfPcap = dir.resolve("kerf.pcap");
        Path kerfNetIn = dir.resolve("kerf-in.pcap");
        List<PcapFrame> receivedByQemu = framesTo(qemuPcap, Ne2000.macAddress());
        assertThat(receivedByQemu).as("QEMU's gateway answered the ARP request").isNotEmpty();
        try (PcapWriter writer = new PcapWriter(kerfNetIn)) {
            for (PcapFrame f : receivedByQemu) {
                writer.write(f.timestampNanos(), f.data(), 0, f.data().length);
            }
        }
        List<String> kerf;
        FakeClock clock = new FakeClock();
        try (PcPlatform pc = new PcPlatform(new PlatformConfig(64 << 20, clock, null, null, kerfDisk, kerfNetIn, kerfPcap, 0))) {
            kerf = script.runOn(pc);
        }

        assertThat(qemu).as("QEMU printed one line per IN").hasSize(script.labels.size());
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < qemu.size(); i++) {
            if (!script.labels.get(i).startsWith(PortScript.NOT_COMPARED) && !qemu.get(i).equals(kerf.get(i))) {
                mismatches.add(script.labels.get(i) + ": qemu " + qemu.get(i) + " kerf " + kerf.get(i));
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(Files.readAllBytes(kerfDisk)).isEqualTo(Files.readAllBytes(disk));
        List<PcapFrame> sentByQemu = framesFrom(qemuPcap, Ne2000.macAddress());
        List<PcapFrame> sentByKerf = PcapReader.readAll(kerfPcap);
        assertThat(sentByKerf).hasSize(2).hasSameSizeAs(sentByQemu);
        for (int i = 0; i < sentByKerf.size(); i++) {
            assertThat(sentByKerf.get(i).data()).isEqualTo(sentByQemu.get(i).data());
        }
    }

    /** The frames of a capture whose source (bytes 6-11) is {@code mac}. */
    private static List<PcapFrame> framesFrom(Path pcap, byte[] mac) throws IOException {
        return bySource(pcap, mac, true);
    }

    /** The frames of a capture not sent by {@code mac}. */
    private static List<PcapFrame> framesTo(Path pcap, byte[] mac) throws IOException {
        return bySource(pcap, mac, false);
    }

    private static List<PcapFrame> bySource(Path pcap, byte[] mac, boolean fromMac) throws IOException {
        List<PcapFrame> frames = new ArrayList<>();
        for (PcapFrame f : PcapReader.readAll(pcap)) {
            if (java.util.Arrays.equals(f.data(), 6, 12, mac, 0, 6) == fromMac) {
                frames.add(f);
            }
        }
        return frames;
    }

    private void requireTools() {
        HostPackages.require(HostPackages.GCC, HostPackages.BINUTILS, HostPackages.QEMU);
    }

    private Path buildGuest() throws Exception {
        Path source = dir.resolve("portscript.S");
        try (InputStream in = getClass().getResourceAsStream("portscript.S")) {
            Files.copy(in, source);
        }
        Path object = dir.resolve("portscript.o");
        Path kernel = dir.resolve("portscript.elf");
        run(List.of("gcc", "-m32", "-c", source.toString(), "-o", object.toString()));
        run(List.of("ld", "-m", "elf_i386", "-Ttext=0x100000", object.toString(), "-o", kernel.toString()));
        return kernel;
    }

    private List<String> runQemu(Path kernel, Path module, Path disk, Path pcap) throws Exception {
        String out = run(List.of("timeout", "60", "qemu-system-i386", "-kernel", kernel.toString(),
                "-initrd", module.toString(), "-m", "64", "-display", "none", "-serial", "stdio", "-nodefaults",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                "-drive", "file=" + disk + ",format=raw,if=ide,index=0",
                "-netdev", "user,id=n0,restrict=on", "-device", "ne2k_isa,netdev=n0,iobase=0x300,irq=9",
                "-object", "filter-dump,id=f0,netdev=n0,file=" + pcap));
        List<String> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.matches("[0-9A-F]{8}")) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        String text = out.toString(StandardCharsets.US_ASCII);
        // isa-debug-exit makes QEMU exit with (0 << 1) | 1 = 1 at the script's end
        int expected = command.get(0).equals("timeout") ? 1 : 0;
        assertThat(p.exitValue()).as("exit status of %s: %s", command.get(0), text).isEqualTo(expected);
        return text;
    }
}
