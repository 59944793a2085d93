package dev.kerf.bench;

import dev.kerf.emulator.machine.MachineConfig;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One record/replay benchmark workload: the same guest, command line, console script, disk and
 * capture for kerf ({@link #config}) and for QEMU ({@link #qemuArgs}). Everything runs on the
 * host clock, as {@code kerf record} does by default.
 *
 * @param name     label in the tables
 * @param kernel   Multiboot kernel
 * @param initrd   module 0 (the guest's root filesystem) or null
 * @param cmdline  kernel command line
 * @param script   lines typed on COM1, one per shell prompt ("" for none)
 * @param disk     raw ATA image on the primary master, or null
 * @param netIn    pcap delivered to the NE2000, or null
 */
record RecWorkload(String name, Path kernel, Path initrd, String cmdline, String script, Path disk, Path netIn) {
    static final int RAM = 32 << 20;

    MachineConfig config(OutputStream console) {
        List<MachineConfig.Module> modules = initrd == null ? List.of() : List.of(new MachineConfig.Module(initrd, ""));
        return new MachineConfig(kernel, cmdline, modules, RAM, false, disk, netIn, null, 0,
                new ByteArrayInputStream(script.getBytes(StandardCharsets.US_ASCII)), console);
    }

    /** QEMU's machine for the same guest, without -icount and without the network backend (see {@link QemuRr}). */
    List<String> qemuArgs() {
        List<String> a = new ArrayList<>(List.of("-kernel", kernel.toString()));
        if (initrd != null) a.addAll(List.of("-initrd", initrd.toString()));
        a.addAll(List.of("-append", cmdline, "-display", "none", "-serial", "stdio", "-nodefaults", "-m", "32",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"));
        if (initrd != null) a.addAll(List.of("-device", "ne2k_isa,iobase=0x300,irq=9,netdev=n0"));
        if (disk != null) {
            // rr needs the blkreplay driver between the device and the image (QEMU docs/system/replay.rst)
            a.addAll(List.of("-drive", "file=" + disk + ",if=none,format=raw,snapshot=on,id=img",
                    "-drive", "driver=blkreplay,if=none,image=img,id=d0", "-device", "ide-hd,drive=d0,bus=ide.0"));
        }
        return a;
    }

    List<String> scriptLines() {
        return script.isEmpty() ? List.of() : List.of(script.split("\n"));
    }
}
