package dev.chatsystem.cli;

import dev.chatsystem.core.PageRequest;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converters that refuse a number out of range while the command line is parsed: a usage error (exit 2, the message
 * naming the option, and the usage) like a value that is no number at all, found before any store is opened.
 */
final class Numbers {
    private Numbers() {}

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
        long number;
        try {
            number = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
        if (number < min || number > max) {
            throw new TypeConversionException(
                    max == Long.MAX_VALUE
                            ? "must be " + min + " or more, was " + number
                            : "must be between " + min + " and " + max + ", was " + number);
        }
        return number;
    }
}
