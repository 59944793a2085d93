package dev.kerf.cli;

import picocli.CommandLine;

/** picocli converter for instruction counts (1000, 12.5M, 3G): see {@link Quantity#parseCount}. */
public final class CountConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            return Quantity.parseCount(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
