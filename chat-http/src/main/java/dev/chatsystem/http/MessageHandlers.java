package dev.chatsystem.http;

import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.Page;
import dev.chatsystem.core.PageRequest;
import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Objects;

/** {@code …/chats/{chat_number}/messages}: create, list, show, edit and search messages. */
final class MessageHandlers {
    private final ChatSystem chatSystem;
    private final JsonBody json;
    private final JsonResponses responses;
    private final BodyBudget budget;

    MessageHandlers(ChatSystem chatSystem, JsonBody json, JsonResponses responses, BodyBudget budget) {
        this.chatSystem = Objects.requireNonNull(chatSystem, "chatSystem");
        this.json = Objects.requireNonNull(json, "json");
        this.responses = Objects.requireNonNull(responses, "responses");
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    void create(Context ctx) {
        String token = PathParams.token(ctx);
        long chatNumber = PathParams.chatNumber(ctx);
        String body = json.requiredString(ctx, "body");
        Message message = IdempotencyHeaders.key(ctx)
                .map(key -> IdempotencyHeaders.unwrap(ctx, chatSystem.createMessage(token, chatNumber, body, key)))
                .orElseGet(() -> chatSystem.createMessage(token, chatNumber, body));
        responses.send(
                ctx.status(HttpStatus.CREATED)
                        .header(Header.LOCATION, Paths.message(token, chatNumber, message.messageNumber())),
                MessageResponse.of(message));
    }

    void list(Context ctx) {
        String token = PathParams.token(ctx);
        long chatNumber = PathParams.chatNumber(ctx);
        PageRequest request = QueryParams.page(ctx);
        try (BodyBudget.Reservation reserved = budget.reserve(request.limit())) {
            Page<Message> page = chatSystem.listMessages(token, chatNumber, request);
            reserved.keep(page.items());
            Pagination.linkNext(ctx, page);
            responses.stream(ctx, page.items().stream().map(MessageResponse::of).toList());
        }
    }

    void show(Context ctx) {
        Message message =
                chatSystem.message(PathParams.token(ctx), PathParams.chatNumber(ctx), PathParams.messageNumber(ctx));
        responses.send(ctx, MessageResponse.of(message));
    }

    void edit(Context ctx) {
        String token = PathParams.token(ctx);
        long chatNumber = PathParams.chatNumber(ctx);
        long messageNumber = PathParams.messageNumber(ctx);
        String body = json.requiredString(ctx, "body");
        responses.send(ctx, MessageResponse.of(chatSystem.editMessage(token, chatNumber, messageNumber, body)));
    }

    void search(Context ctx) {
        String token = PathParams.token(ctx);
        long chatNumber = PathParams.chatNumber(ctx);
        String query = QueryParams.query(ctx);
        int limit = QueryParams.limit(ctx);
        QueryParams.requireNoAfter(ctx);
        try (BodyBudget.Reservation reserved = budget.reserve(limit)) {
            List<Message> found = chatSystem.searchMessages(token, chatNumber, query, limit);
            reserved.keep(found);
            responses.stream(ctx, found.stream().map(MessageResponse::of).toList());
        }
    }
}
