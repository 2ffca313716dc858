package dev.chatsystem.core.testing;

import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.lucene.DirtyMarker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * An embedded data dir as a crash leaves it: the store holds two messages in chat 1 ({@link #INDEXED} and {@link
 * #LOST}), Lucene's index only the first, and the index carries its dirty marker, so it needs a rebuild.
 */
public final class IndexBehindStore {
    /** A word of message 1, which the index holds. */
    public static final String INDEXED = "indexed";

    /** A word of message 2, stored but lost by the index with the crash. */
    public static final String LOST = "unindexed";

    private IndexBehindStore() {}

    /** Plants that state in {@code dataDir}, which must not exist yet or be empty; returns the application's token. */
    public static String plant(Path dataDir) {
        ChatConfig config = ChatConfig.embedded(dataDir);
        String token;
        try (ChatSystem system = ChatSystem.open(config)) {
            token = system.createApplication("Support").token();
            system.createChat(token);
            system.createMessage(token, 1, INDEXED + " before the crash");
        }
        Path index = dataDir.resolve("index");
        Path before = dataDir.resolveSibling(dataDir.getFileName() + "-index-before");
        try {
            copy(index, before);
            try (ChatSystem system = ChatSystem.open(config)) {
                system.createMessage(token, 1, LOST + " with the crash");
            }
            delete(index);
            copy(before, index);
            delete(before);
            new DirtyMarker(index.resolve(DirtyMarker.FILE_NAME)).create();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return token;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }
}
