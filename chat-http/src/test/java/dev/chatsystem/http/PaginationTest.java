package dev.chatsystem.http;

import static dev.chatsystem.http.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Keyset pagination: plain array bodies, the next page announced in an RFC 8288 {@code Link} header. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PaginationTest {
    private static final Pattern NEXT = Pattern.compile("^<([^>]+)>; rel=\"next\"$");

    TestServer http;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        http = TestServer.start(dataDir);
    }

    @AfterAll
    void stop() {
        http.close();
    }

    @Test
    void walksChatsTwoAtATime() {
        String token = http.newApplication("paged");
        for (int i = 0; i < 5; i++) {
            http.newChat(token);
        }
        List<List<String>> pages = new ArrayList<>();
        URI next = http.uri("/api/v1/applications/" + token + "/chats?limit=2");
        List<String> links = new ArrayList<>();
        while (next != null) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(next).GET());
            assertThat(page.statusCode()).isEqualTo(200);
            pages.add(json(page).findValuesAsText("chat_number"));
            Optional<String> link = page.headers().firstValue("Link");
            link.ifPresent(links::add);
            URI current = next;
            next = link.map(PaginationTest::target).map(current::resolve).orElse(null);
        }
        assertThat(pages).containsExactly(List.of("1", "2"), List.of("3", "4"), List.of("5"));
        assertThat(links)
                .containsExactly(
                        "</api/v1/applications/" + token + "/chats?after=2&limit=2>; rel=\"next\"",
                        "</api/v1/applications/" + token + "/chats?after=4&limit=2>; rel=\"next\"");
    }

    @Test
    void walksMessagesWithTheDefaultLimitInOnePage() throws Exception {
        String token = http.newApplication("messages");
        long chat = http.newChat(token);
        for (int i = 1; i <= 3; i++) {
            http.newMessage(token, chat, "message " + i);
        }
        String messages = "/api/v1/applications/" + token + "/chats/" + chat + "/messages";
        HttpResponse<String> all = http.get(messages);
        assertThat(json(all).findValuesAsText("message_number")).containsExactly("1", "2", "3");
        assertThat(all.headers().firstValue("Link")).isEmpty();

        HttpResponse<String> after = http.get(messages + "?after=1&limit=1");
        assertThat(json(after).findValuesAsText("message_number")).containsExactly("2");
        assertThat(after.headers().firstValue("Link").map(PaginationTest::target))
                .hasValue(URI.create(messages + "?after=2&limit=1"));

        HttpResponse<String> past = http.get(messages + "?after=3");
        assertThat(past.statusCode()).isEqualTo(200);
        assertThat(json(past)).isEmpty();
    }

    private static URI target(String link) {
        Matcher matcher = NEXT.matcher(link);
        assertThat(matcher.matches()).as(link).isTrue();
        return URI.create(matcher.group(1));
    }
}
