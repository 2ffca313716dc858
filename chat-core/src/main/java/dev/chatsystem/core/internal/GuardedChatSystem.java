package dev.chatsystem.core.internal;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.ChatException;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.ChatSystemClosedException;
import dev.chatsystem.core.Created;
import dev.chatsystem.core.Health;
import dev.chatsystem.core.IdempotencyKey;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.Page;
import dev.chatsystem.core.PageRequest;
import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.QueueMemory;
import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.ReindexListener;
import dev.chatsystem.core.ReindexReport;
import dev.chatsystem.core.Stats;
import dev.chatsystem.core.WorkerListener;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ChatSystem} {@link ChatSystems#open} returns: one failure, {@link ChatSystemClosedException}, for every
 * call once it is closed, whatever the backend under it would have thrown (a closed pool, a closed Lucene analyzer,
 * a write path shutting down, each in its own words and some not even a {@link ChatException}). A call that was
 * running when close began may still fail in a backend's words as the backend goes away: that failure, unless it is
 * an answer about the caller's input (not found, invalid, conflict), becomes the closed failure too, with the
 * backend's as its cause.
 */
final class GuardedChatSystem implements ChatSystem {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedChatSystem.class);

    private final ChatSystem delegate;
    /** The listener the system's workers call ({@link GuardedWorkerListener#of}), or {@link WorkerListener#NONE}. */
    private final WorkerListener listener;

    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> released = new CompletableFuture<>();

    GuardedChatSystem(ChatSystem delegate, WorkerListener listener) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public Application createApplication(String name) {
        return call(() -> delegate.createApplication(name));
    }

    @Override
    public Created<Application> createApplication(String name, IdempotencyKey key) {
        return call(() -> delegate.createApplication(name, key));
    }

    @Override
    public Application application(String token) {
        return call(() -> delegate.application(token));
    }

    @Override
    public Application renameApplication(String token, String name) {
        return call(() -> delegate.renameApplication(token, name));
    }

    @Override
    public List<Application> listApplications(Optional<String> afterToken, int limit) {
        return call(() -> delegate.listApplications(afterToken, limit));
    }

    @Override
    public Chat createChat(String token) {
        return call(() -> delegate.createChat(token));
    }

    @Override
    public Created<Chat> createChat(String token, IdempotencyKey key) {
        return call(() -> delegate.createChat(token, key));
    }

    @Override
    public Chat chat(String token, long chatNumber) {
        return call(() -> delegate.chat(token, chatNumber));
    }

    @Override
    public Page<Chat> listChats(String token, PageRequest page) {
        return call(() -> delegate.listChats(token, page));
    }

    @Override
    public Message createMessage(String token, long chatNumber, String body) {
        return call(() -> delegate.createMessage(token, chatNumber, body));
    }

    @Override
    public Created<Message> createMessage(String token, long chatNumber, String body, IdempotencyKey key) {
        return call(() -> delegate.createMessage(token, chatNumber, body, key));
    }

    @Override
    public Message message(String token, long chatNumber, long messageNumber) {
        return call(() -> delegate.message(token, chatNumber, messageNumber));
    }

    @Override
    public Page<Message> listMessages(String token, long chatNumber, PageRequest page) {
        return call(() -> delegate.listMessages(token, chatNumber, page));
    }

    @Override
    public Message editMessage(String token, long chatNumber, long messageNumber, String body) {
        return call(() -> delegate.editMessage(token, chatNumber, messageNumber, body));
    }

    @Override
    public List<Message> searchMessages(String token, long chatNumber, String query, int limit) {
        return call(() -> delegate.searchMessages(token, chatNumber, query, limit));
    }

    @Override
    public Health health() {
        return call(delegate::health);
    }

    /** Empty once closed: a stopping process's writer has ended by design. */
    @Override
    public Optional<String> stoppedForGood() {
        return closed.get() ? Optional.empty() : delegate.stoppedForGood();
    }

    @Override
    public BackendStatus searchHealth() {
        return call(delegate::searchHealth);
    }

    @Override
    public ReconcileReport reconcileCounts() {
        return call(delegate::reconcileCounts);
    }

    @Override
    public ReindexReport reindex(Optional<String> token, ReindexListener listener) {
        return call(() -> delegate.reindex(token, listener));
    }

    @Override
    public long reseedNumbering() {
        return call(delegate::reseedNumbering);
    }

    @Override
    public String schemaVersion() {
        return call(delegate::schemaVersion);
    }

    @Override
    public Stats stats() {
        return call(delegate::stats);
    }

    @Override
    public List<QueueBacklog> queueBacklog() {
        return call(delegate::queueBacklog);
    }

    @Override
    public List<QueueMemory> queueMemory() {
        return call(delegate::queueMemory);
    }

    /**
     * Marks the system closed before releasing anything, so that no call starts on a backend being closed. The first
     * caller releases; a concurrent one waits for it, so that whoever returns from close may open the same data dir
     * again (the backends' own close returns at once to a second caller, with their files still locked).
     *
     * <p>A close called from a {@link dev.chatsystem.core.WorkerListener} method does not wait: it runs on a worker
     * thread (the writer, the indexer, a queue worker, the reconciler) that the release waits for, so waiting there
     * would never end. It marks the system closed and, if first, releases on a new thread ({@code chat-close}), which
     * finishes once the listener method has returned and logs a failure of the release (no caller is left to throw it
     * to); it guarantees only that no call starts any more. Only this system's own listener closes so: a close of
     * another system from there waits as any close does.
     */
    @Override
    public void close() {
        boolean fromListener = GuardedWorkerListener.calling(listener);
        if (!closed.compareAndSet(false, true)) {
            if (!fromListener) {
                released.join(); // not interruptible: returning early is what this prevents
            }
            return;
        }
        if (fromListener) {
            try {
                // Not a daemon (a thread started from a daemon, as the reconciler's, would be one): the JVM waits for
                // the release, whose final commits keep the index from a rebuild.
                Thread.ofPlatform().name("chat-close").daemon(false).start(this::releaseForListener);
            } catch (RuntimeException
                    | Error e) { // no thread: a later close must fail, not wait for a release never run
                released.completeExceptionally(e);
                throw e;
            }
            return;
        }
        release();
    }

    private void releaseForListener() {
        try {
            release();
        } catch (RuntimeException | Error e) {
            LOG.error("closing the chat system, as its worker listener asked, failed", e);
        }
    }

    private void release() {
        try {
            delegate.close();
        } finally {
            released.complete(null);
        }
    }

    private <T> T call(Supplier<T> call) {
        if (closed.get()) {
            throw new ChatSystemClosedException();
        }
        try {
            return call.get();
        } catch (RuntimeException e) {
            if (closed.get() && cutShortByClose(e)) {
                throw new ChatSystemClosedException(e);
            }
            throw e;
        }
    }

    /**
     * Whether a failure of a call that was running when the system closed is the close's doing: a backend's failure,
     * not an answer about the call (not found, invalid input, conflict), which holds whether or not it closed.
     */
    private static boolean cutShortByClose(RuntimeException e) {
        return !(e instanceof ChatException chat) || chat.code() == ChatException.Code.BACKEND_UNAVAILABLE;
    }
}
