package dev.chatsystem.http;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.ChatSystem;
import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.HttpStatus;
import java.util.Objects;

/** {@code /api/v1/applications}: create, show and rename applications. */
final class ApplicationHandlers {
    private final ChatSystem chatSystem;
    private final JsonBody json;
    private final JsonResponses responses;

    ApplicationHandlers(ChatSystem chatSystem, JsonBody json, JsonResponses responses) {
        this.chatSystem = Objects.requireNonNull(chatSystem, "chatSystem");
        this.json = Objects.requireNonNull(json, "json");
        this.responses = Objects.requireNonNull(responses, "responses");
    }

    void create(Context ctx) {
        String name = json.requiredString(ctx, "name");
        Application application = IdempotencyHeaders.key(ctx)
                .map(key -> IdempotencyHeaders.unwrap(ctx, chatSystem.createApplication(name, key)))
                .orElseGet(() -> chatSystem.createApplication(name));
        responses.send(
                ctx.status(HttpStatus.CREATED).header(Header.LOCATION, Paths.application(application.token())),
                ApplicationResponse.of(application));
    }

    void show(Context ctx) {
        responses.send(ctx, ApplicationResponse.of(chatSystem.application(PathParams.token(ctx))));
    }

    void rename(Context ctx) {
        String token = PathParams.token(ctx);
        String name = json.requiredString(ctx, "name");
        responses.send(ctx, ApplicationResponse.of(chatSystem.renameApplication(token, name)));
    }
}
