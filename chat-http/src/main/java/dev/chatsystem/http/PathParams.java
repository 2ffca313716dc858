package dev.chatsystem.http;

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
        return Numbers.parsePositive(CHAT_NUMBER, ctx.pathParam(CHAT_NUMBER));
    }

    static long messageNumber(Context ctx) {
        return Numbers.parsePositive(MESSAGE_NUMBER, ctx.pathParam(MESSAGE_NUMBER));
    }
}
