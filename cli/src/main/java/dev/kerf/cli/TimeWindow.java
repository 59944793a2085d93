package dev.kerf.cli;

import picocli.CommandLine;

/**
 * {@code --time FROM..TO}: an instruction-count window, each side a count as {@link Quantity#parseCount}
 * reads it (2M..5M, 0..1.5Mi). Emptiness and order are checked by the command, which names them.
 */
record TimeWindow(long from, long to) {
    /** picocli converter for {@code FROM..TO}. */
    static final class Converter implements CommandLine.ITypeConverter<TimeWindow> {
        @Override
        public TimeWindow convert(String value) {
            int dots = value.indexOf("..");
            if (dots < 0) throw new CommandLine.TypeConversionException("'" + value + "' is not a window FROM..TO (e.g. 2M..5M)");
            try {
                return new TimeWindow(Quantity.parseCount(value.substring(0, dots).trim()), Quantity.parseCount(value.substring(dots + 2).trim()));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "': " + e.getMessage());
            }
        }
    }
}
