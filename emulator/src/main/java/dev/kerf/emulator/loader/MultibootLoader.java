package dev.kerf.emulator.loader;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.machine.BootException;
import dev.kerf.emulator.machine.MachineConfig;
import dev.kerf.formats.InputFile;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Boots a Multiboot v1 kernel the way {@code qemu-system-i386 -kernel K -initrd M -append A}
 * does: loads the kernel (ELF, or the header's a.out-kludge addresses), places the modules
 * page-aligned after it, writes the info struct and memory map, and sets the CPU state of
 * {@link BootCpuState}. Like QEMU, the guest's command line starts with the kernel's file name,
 * and each module's string is its file name followed by its own command line.
 *
 * <p>A Linux bzImage ("HdrS" at 0x202) is detected here too and booted by {@link LinuxLoader}
 * instead, its one module being the initrd, so run, record and replay share one entry point.
 */
public final class MultibootLoader {
    private MultibootLoader() {}

    /** Loads {@code config}'s kernel and modules into {@code cpu.memory} and prepares {@code cpu}. */
    public static void boot(MachineConfig config, Cpu cpu) throws IOException {
        int ram = cpu.memory.size();
        String kernelName = config.kernel().toString();
        byte[] kernelBytes = read(config.kernel(), "kernel", ram);
        List<BootModule> modules = new ArrayList<>();
        for (MachineConfig.Module m : config.modules()) {
            String name = m.file().toString();
            modules.add(module(name, read(m.file(), "module", ram), m.cmdline()));
        }
        boot(kernelName, kernelBytes, config.cmdline(), modules, cpu);
    }

    /**
     * Boots images already in memory (the replayer's case: they come from a recording). The
     * names are what the guest sees in its command line and module strings, so a replay passes
     * the names the recording was made with and gets the same initial RAM.
     */
    public static void boot(String kernelName, byte[] kernelBytes, String cmdline, List<BootModule> modules, Cpu cpu) {
        if (BzImage.hasMagic(kernelBytes)) {
            LinuxLoader.boot(kernelName, kernelBytes, cmdline, modules, cpu);
            return;
        }
        KernelImage kernel = KernelImage.load(kernelName, kernelBytes, cpu.memory);
        String fullCmdline = kernelName + " " + (cmdline == null ? "" : cmdline);
        int info = new MultibootInfoWriter(cpu.memory).write(kernel.end(), fullCmdline, modules);
        BootCpuState.enter(cpu, (int) kernel.entry(), info);
    }

    /** A module as the loader passes it: its string is its name, then its own command line if any. */
    public static BootModule module(String name, byte[] data, String cmdline) {
        return new BootModule(name, data, cmdline == null || cmdline.isEmpty() ? name : name + " " + cmdline);
    }

    /**
     * Reads a whole file, refusing by name anything but a regular file ({@code /dev/zero}, a FIFO)
     * and a file larger than RAM, both before allocating for it.
     */
    public static byte[] read(Path file, String what, int ramBytes) throws IOException {
        try {
            if (Files.isDirectory(file)) {
                throw new BootException(file + ": is a directory, not a " + what + " file");
            }
            InputFile.requireRegular(file);
            long size = Files.size(file);
            if (size > ramBytes) {
                throw new BootException(String.format("%s %s (%d bytes) does not fit in RAM (%d MiB; see --mem)",
                        what, file, size, ramBytes >> 20));
            }
            return InputFile.readAll(file, ramBytes, "a " + what + " (the RAM size)");
        } catch (NoSuchFileException e) {
            throw new BootException(file + ": no such " + what + " file");
        } catch (AccessDeniedException e) {
            throw new BootException(file + ": permission denied");
        } catch (FileSystemException e) {
            throw new BootException(file + ": " + e.getReason());
        }
    }
}
