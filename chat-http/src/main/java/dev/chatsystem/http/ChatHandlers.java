package dev.chatsystem.http;

import dev.chatsystem.core.Chat;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Page;
import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.HttpStatus;
import java.util.Objects;

/** {@code /api/v1/applications/{token}/chats}: create, list and show chats. A create needs no body. */
final class ChatHandlers {
    private final ChatSystem chatSystem;
    private final JsonResponses responses;

    ChatHandlers(ChatSystem chatSystem, JsonResponses responses) {
        this.chatSystem = Objects.requireNonNull(chatSystem, "chatSystem");
        this.responses = Objects.requireNonNull(responses, "responses");
    }

    void create(Context ctx) {
        String token = PathParams.token(ctx);
        Chat chat = IdempotencyHeaders.key(ctx)
                .map(key -> IdempotencyHeaders.unwrap(ctx, chatSystem.createChat(token, key)))
                .orElseGet(() -> chatSystem.createChat(token));
        responses.send(
                ctx.status(HttpStatus.CREATED).header(Header.LOCATION, Paths.chat(token, chat.chatNumber())),
                ChatResponse.of(chat));
    }

    void list(Context ctx) {
        Page<Chat> page = chatSystem.listChats(PathParams.token(ctx), QueryParams.page(ctx));
        Pagination.linkNext(ctx, page);
        responses.send(ctx, page.items().stream().map(ChatResponse::of).toList());
    }

    void show(Context ctx) {
        responses.send(ctx, ChatResponse.of(chatSystem.chat(PathParams.token(ctx), PathParams.chatNumber(ctx))));
    }
}
