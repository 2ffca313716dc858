package dev.chatsystem.cli;

import dev.chatsystem.core.PageRequest;
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
        long number;
        try {
            number = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new Refused("must be a whole number, was '" + value + "'");
        }
        if (number < min || number > max) {
            throw new Refused(
                    max == Long.MAX_VALUE
                            ? "must be " + min + " or more, was " + number
                            : "must be between " + min + " and " + max + ", was " + number);
        }
        return number;
    }
}
