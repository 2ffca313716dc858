package dev.chatsystem.cli;

import dev.chatsystem.core.PageRequest;
import java.math.BigInteger;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converters that refuse a number out of range while the command line is parsed: a usage error (exit 2, one line
 * naming the option) like a value that is no number at all, found before any store is opened.
 */
final class Numbers {
    private Numbers() {}

    /**
     * A value refused. Its message says what the value must be, so that it reads after the option's or parameter's
     * name: {@code --limit must be between 1 and 1000, was 0} ({@link UsageErrors} puts the name first).
     */
    static final class Refused extends TypeConversionException {
        Refused(String message) {
            super(message);
        }
    }

    /** A page or hit count: 1..{@value PageRequest#MAX_LIMIT}. */
    static final class Limit implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) parse(value, 1, PageRequest.MAX_LIMIT);
        }
    }

    /** Where a page starts: after number 0 (the beginning) or more. */
    static final class After implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return parse(value, 0, Long.MAX_VALUE);
        }
    }

    /** A chat number: they start at 1. */
    static final class Number implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return parse(value, 1, Long.MAX_VALUE);
        }
    }

    private static long parse(String value, long min, long max) {
        String text = value.strip();
        long number;
        try {
            number = Long.parseLong(text);
        } catch (NumberFormatException e) {
            // Digits beyond a long are a number out of range, not "no number": say which bound it passed.
            int sign = wholeNumberSign(text);
            if (sign == 0) {
                throw new Refused("must be a whole number, was '" + value + "'");
            }
            throw new Refused(bounds(min, max, sign > 0) + ", was " + text);
        }
        if (number < min || number > max) {
            throw new Refused(bounds(min, max, number > max) + ", was " + number);
        }
        return number;
    }

    /** The sign of {@code text} when it is a whole number (too large for a long, here), else 0. */
    private static int wholeNumberSign(String text) {
        try {
            BigInteger number = new BigInteger(text);
            return number.signum() < 0 ? -1 : 1;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String bounds(long min, long max, boolean above) {
        if (max != Long.MAX_VALUE) {
            return "must be between " + min + " and " + max;
        }
        return above ? "must be at most " + max : "must be " + min + " or more";
    }
}
