package dev.chatsystem.http;

import dev.chatsystem.core.InvalidInputException;
import io.javalin.http.Context;

/**
 * Parses path parameters. Chat and message numbers start at 1, so anything that is not a positive decimal
 * {@code long} (letters, signs, zero, overflow) is rejected as invalid input (400) rather than reported as missing.
 */
final class PathParams {
    static final String TOKEN = "token";
    static final String CHAT_NUMBER = "chat_number";
    static final String MESSAGE_NUMBER = "message_number";

    private PathParams() {}

    static String token(Context ctx) {
        return ctx.pathParam(TOKEN);
    }

    static long chatNumber(Context ctx) {
        return positiveNumber(CHAT_NUMBER, ctx.pathParam(CHAT_NUMBER));
    }

    static long messageNumber(Context ctx) {
        return positiveNumber(MESSAGE_NUMBER, ctx.pathParam(MESSAGE_NUMBER));
    }

    static long positiveNumber(String name, String raw) {
        long value = Numbers.parseNonNegative(name, raw);
        if (value == 0) {
            throw new InvalidInputException(name + " must be a positive number, was '" + Numbers.shown(raw) + "'");
        }
        return value;
    }
}
