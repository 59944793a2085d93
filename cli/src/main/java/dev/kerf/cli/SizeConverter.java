package dev.kerf.cli;

import picocli.CommandLine;

/** picocli converter for sizes (64M, 1G, 512K): see {@link Quantity#parseSize}. */
public final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            return Quantity.parseSize(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
