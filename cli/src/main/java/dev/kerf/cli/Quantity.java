package dev.kerf.cli;

import java.math.BigDecimal;

/**
 * The one parser for numbers with unit suffixes on kerf's command line.
 *
 * <ul>
 *   <li>Sizes (memory, files): binary suffixes K, M, G (optionally followed by B or iB),
 *       case-insensitive: {@code 64M} = 64 MiB.</li>
 *   <li>Counts (instructions, icount positions): decimal suffixes K, M, G, T, fractions allowed:
 *       {@code 12.5M} = 12,500,000; {@code 3G} = 3e9.</li>
 * </ul>
 * Both reject negative values, garbage and results that are not whole numbers.
 */
public final class Quantity {
    private Quantity() {}

    public static long parseSize(String text) {
        return parse(text, true);
    }

    public static long parseCount(String text) {
        return parse(text, false);
    }

    private static long parse(String text, boolean binary) {
        String s = text.trim();
        String upper = s.toUpperCase(java.util.Locale.ROOT);
        if (!binary && upper.length() > 2 && upper.endsWith("I") && "KMGT".indexOf(upper.charAt(upper.length() - 2)) >= 0) {
            binary = true; // counts: 1Mi = 2^20, the recorder's state-hash interval
            upper = upper.substring(0, upper.length() - 1);
        } else if (binary && upper.endsWith("IB")) {
            upper = upper.substring(0, upper.length() - 2);
        } else if (binary && upper.endsWith("B") && upper.length() > 1 && !Character.isDigit(upper.charAt(upper.length() - 2))) {
            upper = upper.substring(0, upper.length() - 1);
        }
        int exponent = upper.isEmpty() ? -1 : "KMGT".indexOf(upper.charAt(upper.length() - 1));
        String digits = exponent >= 0 ? upper.substring(0, upper.length() - 1) : upper;
        BigDecimal value;
        try {
            value = new BigDecimal(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number" + (binary
                    ? " with an optional K/M/G suffix (e.g. 64M)" : " with an optional K/M/G suffix (e.g. 12.5M) or Ki/Mi/Gi (e.g. 4Mi = 4 x 2^20)"));
        }
        BigDecimal unit = BigDecimal.valueOf(binary ? 1024 : 1000).pow(exponent + 1);
        BigDecimal result = value.multiply(unit);
        if (result.signum() < 0) {
            throw new IllegalArgumentException("'" + text + "' is negative");
        }
        try {
            return result.toBigIntegerExact().longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number" + (binary ? " of bytes" : "")
                    + " or is too large");
        }
    }
}
