package dev.chatsystem.cli;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.ChatSystem;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the search backend says needs doing while it works (a reindex owed, say), for the commands whose output it
 * bears on. Asks the search backend alone ({@link ChatSystem#searchHealth}): the others may take seconds to answer.
 * Lines go to stderr, so that stdout stays what scripts parse.
 */
final class SearchIndexWarning {
    /**
     * How long a list, once printed, waits for the search backend's answer: the note is an aside to a complete list,
     * so a backend that hangs (answering only at the health deadline, 6 s) must not hold the command for long.
     */
    static final Duration LIST_WAIT = Duration.ofSeconds(1);

    private SearchIndexWarning() {}

    /** The search backend's warning, if it has one. */
    static Optional<String> of(ChatSystem system) {
        BackendStatus search = system.searchHealth();
        return search.warns() ? Optional.of(search.detail()) : Optional.empty();
    }

    /** After search results: they come from the index, so they may lack what it lacks. */
    static void afterSearch(ChatSystem system, PrintWriter err) {
        of(system)
                .ifPresent(detail -> print(
                        err,
                        "chat-cli: warning: search index: " + detail
                                + "; results may miss messages until chat-cli reindex runs"));
    }

    /** Asks the search backend on a thread of its own, while a list is read and printed, for {@link #afterList}. */
    static Future<Optional<String>> askForList(ChatSystem system) {
        FutureTask<Optional<String>> asked = new FutureTask<>(() -> of(system));
        Thread.ofVirtual().name("chat-cli-search-health").start(asked);
        return asked;
    }

    /**
     * After a list read from the store: complete itself, but searching it may not find every message. Waits for the
     * answer {@link #askForList} asked at most {@link #LIST_WAIT}, then says the state is unknown instead.
     */
    static void afterList(Future<Optional<String>> asked, PrintWriter err) {
        Optional<String> detail;
        try {
            detail = asked.get(LIST_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            asked.cancel(true); // the check itself gives up at the health deadline; nothing waits for it now
            print(err, "chat-cli: note: search index state unknown (no answer within " + LIST_WAIT.toSeconds() + " s)");
            return;
        } catch (InterruptedException e) {
            asked.cancel(true);
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        }
        detail.ifPresent(found -> print(
                err, "chat-cli: note: search index: " + found + " (this list comes from the store and is complete)"));
    }

    /**
     * After a reindex: one of an application leaves what an index opened incomplete lacks elsewhere (the CLI does not
     * rebuild at open), and writes may have been missed meanwhile, so a warning still standing is said.
     */
    static void afterReindex(ChatSystem system, boolean oneApplication, PrintWriter err) {
        of(system)
                .ifPresent(detail -> print(
                        err,
                        "chat-cli: warning: search index: " + detail
                                + (oneApplication
                                        ? "; a reindex of every application (without --app) is still owed"
                                        : "")));
    }

    private static void print(PrintWriter err, String line) {
        err.println(line);
        err.flush();
    }
}
