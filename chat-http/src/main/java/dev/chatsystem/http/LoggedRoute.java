package dev.chatsystem.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;

/**
 * What the server's log names a request by: the route template it matched ({@code
 * /api/v1/applications/{token}/chats/{chat_number}/messages}), never its path. The path holds the application's token,
 * the only credential for its data, and a log is read by more people, and kept longer, than the data's owner would
 * allow.
 */
final class LoggedRoute {
    /** A request no route matched (404, 405): its path may hold anything, a token included. */
    static final String UNMATCHED = "UNMATCHED";

    private LoggedRoute() {}

    static String of(Context ctx) {
        try {
            Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
            return endpoint == null ? UNMATCHED : endpoint.path;
        } catch (RuntimeException noneMatched) { // Javalin throws when no HTTP endpoint matched
            return UNMATCHED;
        }
    }
}
