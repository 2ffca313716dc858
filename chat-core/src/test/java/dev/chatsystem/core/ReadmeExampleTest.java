package dev.chatsystem.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "Embedding the library" snippet of README.md, kept compiling and working. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void theReadmeSnippetWorks() {
        List<Message> found;
        // --- as in README.md, with the data dir in a temp folder ---
        try (ChatSystem chats = ChatSystem.open(ChatConfig.embedded(dir.resolve("chat-data")))) {
            Application app = chats.createApplication("Support");
            Chat chat = chats.createChat(app.token());
            chats.createMessage(app.token(), chat.chatNumber(), "What a wonderful day");
            found = chats.searchMessages(app.token(), chat.chatNumber(), "onderf", 10);
        }
        assertThat(found).extracting(Message::body).containsExactly("What a wonderful day");
    }
}
