package dev.chatsystem.core.internal;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.ReindexListener;
import dev.chatsystem.core.ReindexReport;
import dev.chatsystem.core.embedded.GroupCommitWritePath;
import dev.chatsystem.core.embedded.StoreNumbering;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root of the library: wires the backends a configuration names, and nothing else. */
public final class ChatSystems {
    private static final Logger log = LoggerFactory.getLogger(ChatSystems.class);

    private ChatSystems() {}

    public static ChatSystem open(ChatConfig config) {
        return open(config, Clock.systemUTC());
    }

    static ChatSystem open(ChatConfig config, Clock clock) {
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            Files.createDirectories(config.dataDir());
            H2ChatStore store = remember(opened, H2ChatStore.open(config.dataDir()));
            LuceneSearchIndex index =
                    remember(opened, LuceneSearchIndex.open(config.dataDir().resolve("index")));
            Lock indexLock = new ReentrantLock();
            GroupCommitWritePath writes = GroupCommitWritePath.start(
                    store, index, indexLock, config.writeQueueCapacity(), config.writeBatchSize());
            Backends backends = new Backends(store, index, new StoreNumbering(store), writes, store, indexLock);
            opened.clear();
            DefaultChatSystem system = new DefaultChatSystem(backends, clock);
            if (index.needsRebuild()) {
                rebuild(system);
            }
            return system;
        } catch (IOException e) {
            closeAll(opened);
            throw new BackendUnavailableException("cannot create data dir " + config.dataDir() + ": " + e, e);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /** The index may have missed writes before a crash: rebuild it from the store, which is the truth. */
    private static void rebuild(DefaultChatSystem system) {
        log.info("search index was not closed cleanly; rebuilding it from the store");
        try {
            ReindexReport report = system.reindex(Optional.empty(), ReindexListener.NONE);
            log.info(
                    "search index rebuilt: {} messages in {} ms",
                    report.indexed(),
                    report.took().toMillis());
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
    }

    private static <T extends AutoCloseable> T remember(Deque<AutoCloseable> opened, T resource) {
        opened.push(resource);
        return resource;
    }

    private static void closeAll(Deque<AutoCloseable> opened) {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                log.warn("closing after a failed open: {}", e.toString());
            }
        }
    }
}
