package dev.chatsystem.core.internal;

import dev.chatsystem.core.Message;
import dev.chatsystem.core.search.QueryWords;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.WritePath;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;

/**
 * The messages a search shows for the numbers the index ranked, in its order. The index may be ahead of the store
 * (its workers drain the queue apart from the store's) or behind it, so a ranked number may not be readable yet, or
 * may have been edited since (pending or stored) into a body that no longer matches: both are left out.
 */
final class RankedMessages {
    private RankedMessages() {}

    /**
     * The first {@code limit} messages of {@code ranked} to show. Bodies are loaded a few numbers at a time, as many as
     * the page still lacks, so that a search whose hits are mostly left out (many edits the index has not seen) never
     * holds more bodies at once than its page: the caller reserved heap for {@code limit} of them.
     */
    static List<Message> shown(
            WritePath writes,
            ChatStore store,
            QueryWords queryWords,
            String token,
            long chatNumber,
            String query,
            List<Long> ranked,
            int limit) {
        List<Message> result = new ArrayList<>(Math.min(ranked.size(), limit));
        SequencedSet<String> words = null;
        for (int from = 0; from < ranked.size() && result.size() < limit; ) {
            int to = Math.min(ranked.size(), from + limit - result.size());
            List<Long> numbers = ranked.subList(from, to);
            // Pending first: a message the index ranks may not be stored yet, or stored with the body from before the
            // edit that matched.
            Map<Long, Message> pending = writes.pendingMessages(token, chatNumber, numbers);
            Map<Long, Message> found = new HashMap<>(pending);
            List<Long> unpending = numbers.stream()
                    .filter(number -> !found.containsKey(number))
                    .toList();
            if (!unpending.isEmpty()) {
                store.messages(token, chatNumber, unpending).forEach(m -> found.put(m.messageNumber(), m));
            }
            // A message edited since it was indexed is ranked by its old body: shown only if the body it has now
            // matches, whether that edit is still pending or already stored (the index lags the store). A message
            // never edited has the body it was indexed with, so only edited ones are analyzed again.
            for (Long number : numbers) {
                Message message = found.get(number);
                if (message == null) {
                    continue;
                }
                if (pending.containsKey(number) || edited(message)) {
                    words = words == null ? queryWords.words(query) : words;
                    if (!queryWords.matches(words, message.body())) {
                        continue;
                    }
                }
                result.add(message);
            }
            from = to;
        }
        return Collections.unmodifiableList(result); // the caller's answer to its caller, which must not change it
    }

    /** Not "after": an edit on a server whose clock is behind may carry an earlier time than the create. */
    private static boolean edited(Message message) {
        return !message.updatedAt().equals(message.createdAt());
    }
}
