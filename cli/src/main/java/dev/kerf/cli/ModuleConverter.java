package dev.kerf.cli;

import dev.kerf.emulator.machine.MachineConfig;
import picocli.CommandLine;

import java.nio.file.Path;

/** {@code FILE[,CMDLINE]} to a Multiboot module: everything after the first comma is its command line. */
public final class ModuleConverter implements CommandLine.ITypeConverter<MachineConfig.Module> {
    @Override
    public MachineConfig.Module convert(String value) {
        int comma = value.indexOf(',');
        String file = comma < 0 ? value : value.substring(0, comma);
        if (file.isEmpty()) {
            throw new CommandLine.TypeConversionException("'" + value + "' names no file (expected FILE[,CMDLINE])");
        }
        return new MachineConfig.Module(Path.of(file), comma < 0 ? "" : value.substring(comma + 1));
    }
}
