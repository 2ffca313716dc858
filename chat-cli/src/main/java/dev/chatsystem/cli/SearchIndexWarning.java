package dev.chatsystem.cli;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.ChatSystem;
import java.io.PrintWriter;
import java.util.Optional;

/**
 * What the search backend says needs doing while it works (a reindex owed, say), for the commands whose output it
 * bears on. Asks the search backend alone ({@link ChatSystem#searchHealth}): the others may take seconds to answer.
 * Lines go to stderr, so that stdout stays what scripts parse.
 */
final class SearchIndexWarning {
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

    /** After a list read from the store: complete itself, but searching it may not find every message. */
    static void afterList(ChatSystem system, PrintWriter err) {
        of(system)
                .ifPresent(detail -> print(
                        err,
                        "chat-cli: note: search index: " + detail
                                + " (this list comes from the store and is complete)"));
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
