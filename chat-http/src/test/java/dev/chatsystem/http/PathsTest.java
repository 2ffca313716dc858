package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.Health;
import io.javalin.Javalin;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The route templates that tag requests refused before routing, matched as the router matches them. */
class PathsTest {
    @Test
    void theTemplatesAreTheServersRoutes() {
        try (ServerMetrics metrics = ServerMetrics.create()) {
            Javalin server = ChatServer.create(HealthOnlySystem.answering(() -> new Health(List.of())), metrics);

            assertThat(server.unsafe.internalRouter.allHttpHandlers().stream()
                            .filter(route -> route.endpoint.method.isHttpMethod())
                            .map(route -> route.endpoint.path))
                    .containsOnlyElementsOf(Paths.TEMPLATES)
                    .containsAll(Paths.TEMPLATES);
        }
    }

    @Test
    void aPathFitsTheTemplateItsRouteHas() {
        String token = "/api/v1/applications/Ab_9";
        assertThat(Paths.template("/api/v1/applications")).hasValue(Paths.APPLICATIONS);
        assertThat(Paths.template("/api/v1/applications/")).hasValue(Paths.APPLICATIONS);
        assertThat(Paths.template(token)).hasValue(Paths.APPLICATION);
        assertThat(Paths.template(token + "/chats/1/messages")).hasValue(Paths.MESSAGES);
        assertThat(Paths.template(token + "/chats/1/messages/search")).hasValue(Paths.MESSAGE_SEARCH);
        assertThat(Paths.template(token + "/chats/x/messages/7")).hasValue(Paths.MESSAGE);
        assertThat(Paths.template("/health/live")).hasValue(Paths.LIVE);
    }

    @Test
    void aPathOfNoRouteFitsNone() {
        assertThat(Paths.template("/")).isEmpty();
        assertThat(Paths.template("/api/v1/applications//chats")).isEmpty();
        assertThat(Paths.template("/api/v1/applications/t/chats/1/other")).isEmpty();
        assertThat(Paths.template("/API/v1/applications")).isEmpty();
    }
}
