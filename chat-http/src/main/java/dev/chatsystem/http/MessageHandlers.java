package dev.chatsystem.http;

import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.Page;
import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Objects;

/** {@code …/chats/{chat_number}/messages}: create, list, show, edit and search messages. */
final class MessageHandlers {
    private final ChatSystem chatSystem;
    private final JsonBody json;

    MessageHandlers(ChatSystem chatSystem, JsonBody json) {
        this.chatSystem = Objects.requireNonNull(chatSystem, "chatSystem");
        this.json = Objects.requireNonNull(json, "json");
    }

    void create(Context ctx) {
        String token = PathParams.token(ctx);
        long chatNumber = PathParams.chatNumber(ctx);
        String body = json.requiredString(ctx, "body");
        Message message = IdempotencyHeaders.key(ctx)
                .map(key -> IdempotencyHeaders.unwrap(ctx, chatSystem.createMessage(token, chatNumber, body, key)))
                .orElseGet(() -> chatSystem.createMessage(token, chatNumber, body));
        ctx.status(HttpStatus.CREATED)
                .header(Header.LOCATION, Paths.message(token, chatNumber, message.messageNumber()))
                .json(MessageResponse.of(message));
    }

    void list(Context ctx) {
        Page<Message> page =
                chatSystem.listMessages(PathParams.token(ctx), PathParams.chatNumber(ctx), QueryParams.page(ctx));
        Pagination.linkNext(ctx, page);
        ctx.json(page.items().stream().map(MessageResponse::of).toList());
    }

    void show(Context ctx) {
        Message message =
                chatSystem.message(PathParams.token(ctx), PathParams.chatNumber(ctx), PathParams.messageNumber(ctx));
        ctx.json(MessageResponse.of(message));
    }

    void edit(Context ctx) {
        String token = PathParams.token(ctx);
        long chatNumber = PathParams.chatNumber(ctx);
        long messageNumber = PathParams.messageNumber(ctx);
        String body = json.requiredString(ctx, "body");
        ctx.json(MessageResponse.of(chatSystem.editMessage(token, chatNumber, messageNumber, body)));
    }

    void search(Context ctx) {
        String token = PathParams.token(ctx);
        long chatNumber = PathParams.chatNumber(ctx);
        String query = QueryParams.query(ctx);
        List<Message> found = chatSystem.searchMessages(token, chatNumber, query, QueryParams.limit(ctx));
        ctx.json(found.stream().map(MessageResponse::of).toList());
    }
}
