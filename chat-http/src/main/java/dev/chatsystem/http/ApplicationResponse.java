package dev.chatsystem.http;

import dev.chatsystem.core.Application;
import java.time.Instant;

/** An application on the wire: its token is its only identifier. */
record ApplicationResponse(String token, String name, long chatsCount, Instant createdAt) {
    static ApplicationResponse of(Application application) {
        return new ApplicationResponse(
                application.token(), application.name(), application.chatsCount(), application.createdAt());
    }
}
