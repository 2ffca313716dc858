package dev.chatsystem.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedChatSystemTest {
    @TempDir
    Path dataDir;

    private ChatSystem chats;

    @BeforeEach
    void open() {
        chats = ChatSystem.open(ChatConfig.embedded(dataDir));
    }

    @AfterEach
    void close() {
        chats.close();
    }

    @Test
    void searchesFindEveryMessageWhileAFullReindexRuns() {
        String token = chats.createApplication("reindexed").token();
        chats.createChat(token);
        for (int n = 0; n < 2_500; n++) {
            chats.createMessage(token, 1, "message m" + n);
        }
        List<Integer> foundDuring = new ArrayList<>();

        // The last message, which the reindex writes last: an index cleared first would miss it until then.
        chats.reindex(
                Optional.empty(),
                (done, total) -> foundDuring.add(
                        chats.searchMessages(token, 1, "m2499", 1).size()));

        assertThat(foundDuring).hasSizeGreaterThan(2).containsOnly(1);
        assertThat(chats.searchMessages(token, 1, "m2499", 1))
                .extracting(Message::messageNumber)
                .containsExactly(2_500L);
    }

    @Test
    void applicationsAreCreatedReadAndRenamed() {
        Application created = chats.createApplication("  Support desk ");
        assertThat(created.name()).isEqualTo("Support desk");
        assertThat(created.token()).hasSizeGreaterThanOrEqualTo(20);
        assertThat(created.chatsCount()).isZero();

        assertThat(chats.application(created.token())).isEqualTo(created);
        Application renamed = chats.renameApplication(created.token(), "Help desk");
        assertThat(renamed.name()).isEqualTo("Help desk");
        assertThat(chats.application(created.token()).name()).isEqualTo("Help desk");
    }

    @Test
    void chatsAreNumberedPerApplication() {
        String first = chats.createApplication("first").token();
        String second = chats.createApplication("second").token();

        assertThat(chats.createChat(first).chatNumber()).isEqualTo(1);
        assertThat(chats.createChat(first).chatNumber()).isEqualTo(2);
        assertThat(chats.createChat(second).chatNumber()).isEqualTo(1);
        assertThat(chats.application(first).chatsCount()).isEqualTo(2);
        assertThat(chats.chat(first, 2).messagesCount()).isZero();
    }

    @Test
    void messagesAreNumberedPerChatAndCountedExactly() {
        String token = chats.createApplication("app").token();
        chats.createChat(token);
        chats.createChat(token);

        assertThat(chats.createMessage(token, 1, "hello").messageNumber()).isEqualTo(1);
        assertThat(chats.createMessage(token, 1, "again").messageNumber()).isEqualTo(2);
        assertThat(chats.createMessage(token, 2, "other chat").messageNumber()).isEqualTo(1);

        assertThat(chats.chat(token, 1).messagesCount()).isEqualTo(2);
        assertThat(chats.message(token, 1, 2).body()).isEqualTo("again");
    }

    @Test
    void editsReplaceTheBodyAndTheSearchableText() {
        String token = chats.createApplication("app").token();
        chats.createChat(token);
        Message original = chats.createMessage(token, 1, "wonderful morning");

        Message edited = chats.editMessage(token, 1, 1, "terrible evening");

        assertThat(edited.body()).isEqualTo("terrible evening");
        assertThat(edited.createdAt()).isEqualTo(original.createdAt());
        assertThat(chats.searchMessages(token, 1, "wonder", 10)).isEmpty();
        assertThat(chats.searchMessages(token, 1, "rrib", 10))
                .extracting(Message::messageNumber)
                .containsExactly(1L);
    }

    @Test
    void listsArePagedByNumber() {
        String token = chats.createApplication("app").token();
        for (int i = 0; i < 5; i++) {
            chats.createChat(token);
        }
        Page<Chat> first = chats.listChats(token, new PageRequest(0, 2));
        assertThat(first.items()).extracting(Chat::chatNumber).containsExactly(1L, 2L);
        assertThat(first.nextAfter()).hasValue(2);
        Page<Chat> last = chats.listChats(token, new PageRequest(4, 2));
        assertThat(last.items()).extracting(Chat::chatNumber).containsExactly(5L);
        assertThat(last.nextAfter()).isEmpty();

        for (int i = 0; i < 3; i++) {
            chats.createMessage(token, 3, "m" + i);
        }
        Page<Message> messages = chats.listMessages(token, 3, new PageRequest(1, 1000));
        assertThat(messages.items()).extracting(Message::messageNumber).containsExactly(2L, 3L);
    }

    @Test
    void searchIsScopedToOneChatAndMatchesPartsOfWords() {
        String token = chats.createApplication("app").token();
        chats.createChat(token);
        chats.createChat(token);
        chats.createMessage(token, 1, "What a Wonderful day");
        chats.createMessage(token, 1, "nothing to see");
        chats.createMessage(token, 2, "wonderful too, but elsewhere");

        assertThat(chats.searchMessages(token, 1, "wond", 10))
                .extracting(Message::body)
                .containsExactly("What a Wonderful day");
        assertThat(chats.searchMessages(token, 1, "ONDERF DA", 10)).hasSize(1);
        assertThat(chats.searchMessages(token, 1, "wonderful see", 10)).isEmpty();
        assertThat(chats.searchMessages(token, 1, "\" ( [ \\ * ? ~ : ^ /", 10)).isEmpty();
    }

    @Test
    void unknownThingsAreNotFound() {
        String token = chats.createApplication("app").token();
        chats.createChat(token);
        chats.createMessage(token, 1, "hi");

        assertThatThrownBy(() -> chats.application("no-such-token")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> chats.application("not a token!")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> chats.createChat("no-such-token")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> chats.chat(token, 2)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> chats.createMessage(token, 2, "x"))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no chat 2");
        assertThatThrownBy(() -> chats.createMessage("no-such-token", 1, "x"))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no application");
        assertThatThrownBy(() -> chats.message(token, 1, 2)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> chats.editMessage(token, 1, 2, "x")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> chats.searchMessages(token, 9, "x", 10)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> chats.listMessages(token, 9, PageRequest.first()))
                .isInstanceOf(NotFoundException.class);
        assertThat(chats.createMessage(token, 1, "refusals consumed no number").messageNumber())
                .isEqualTo(2);
    }

    @Test
    void badInputIsInvalidBeforeAnythingIsWritten() {
        String token = chats.createApplication("app").token();
        chats.createChat(token);

        assertThatThrownBy(() -> chats.createApplication(" ")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> chats.createMessage(token, 1, "  ")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> chats.createMessage(token, 0, "x")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> chats.searchMessages(token, 1, " ", 10)).isInstanceOf(InvalidInputException.class);
        // Refused as input before the chat is looked up or the indexer waited for: a 400, even for a missing chat.
        assertThatThrownBy(() -> chats.searchMessages(token, 9, "w".repeat(101), 10))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new PageRequest(0, 1001)).isInstanceOf(InvalidInputException.class);

        assertThat(chats.createMessage(token, 1, "first real one").messageNumber())
                .isEqualTo(1);
    }

    @Test
    void dataSurvivesACleanRestart() {
        String token = chats.createApplication("app").token();
        chats.createChat(token);
        chats.createMessage(token, 1, "persistent words");
        chats.close();

        chats = ChatSystem.open(ChatConfig.embedded(dataDir));
        assertThat(chats.application(token).chatsCount()).isEqualTo(1);
        assertThat(chats.createMessage(token, 1, "next").messageNumber()).isEqualTo(2);
        assertThat(chats.searchMessages(token, 1, "rsist", 10)).hasSize(1);
    }

    @Test
    void adminOperationsReportTheState() {
        String token = chats.createApplication("app").token();
        chats.createChat(token);
        chats.createMessage(token, 1, "one");
        chats.createMessage(token, 1, "two");

        assertThat(chats.stats()).isEqualTo(new Stats(1, 1, 2, 2, 0));
        assertThat(chats.reconcileCounts().corrections()).isEmpty();
        ReindexReport report = chats.reindex(Optional.empty(), ReindexListener.NONE);
        assertThat(report.indexed()).isEqualTo(2);
        assertThat(chats.searchMessages(token, 1, "tw", 10)).hasSize(1);
        assertThat(chats.listApplications(Optional.empty(), 10))
                .extracting(Application::token)
                .containsExactly(token);
        assertThat(chats.health().healthy()).isTrue();
        assertThat(chats.health().backends()).extracting(BackendStatus::name).contains("store", "search");
    }

    @Test
    void searchReturnsBestMatchFirstAndHonoursTheLimit() {
        String token = chats.createApplication("app").token();
        chats.createChat(token);
        chats.createMessage(token, 1, "understanding"); // infix
        chats.createMessage(token, 1, "standards"); // prefix
        chats.createMessage(token, 1, "stand here"); // whole word

        List<Message> found = chats.searchMessages(token, 1, "stand", 10);
        assertThat(found).extracting(Message::messageNumber).containsExactly(3L, 2L, 1L);
        assertThat(chats.searchMessages(token, 1, "stand", 2)).hasSize(2);
    }
}
