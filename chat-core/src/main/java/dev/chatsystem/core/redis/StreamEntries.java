package dev.chatsystem.core.redis;

import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.Write;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/** Decodes the stream entries the scripts append (fields: k kind, t token, c chat, n number, b body, a micros). */
final class StreamEntries {
    /** Sequence numbers per millisecond that {@link #version} can tell apart. */
    static final long SEQUENCES_PER_MILLI = 1_000_000L;

    private StreamEntries() {}

    /**
     * The entries of a stream read as a script returns them: each {@code [id, [field, value, ...]]}, its fields null
     * (Lua false) when the entry was trimmed away while pending.
     */
    static List<StreamEntry> fromReply(List<?> reply) {
        List<StreamEntry> entries = new ArrayList<>(reply.size());
        for (Object item : reply) {
            List<?> entry = (List<?>) item;
            Map<String, String> fields = null;
            if (entry.size() > 1 && entry.get(1) instanceof List<?> pairs) {
                fields = new HashMap<>();
                for (int i = 0; i + 1 < pairs.size(); i += 2) {
                    fields.put((String) pairs.get(i), (String) pairs.get(i + 1));
                }
            }
            entries.add(new StreamEntry(new StreamEntryID((String) entry.get(0)), fields));
        }
        return entries;
    }

    /**
     * The write an entry carries; empty for an entry that was trimmed away while pending (no fields). Its version is
     * the entry's id, see {@link #version}.
     */
    static Optional<Write> write(StreamEntryID id, Map<String, String> fields) {
        if (fields == null || fields.isEmpty()) {
            return Optional.empty();
        }
        String token = fields.get("t");
        long chat = Long.parseLong(fields.get("c"));
        var at = PendingValues.instant(fields.get("a"));
        return Optional.of(
                switch (fields.get("k")) {
                    case "c" -> new Write.ChatCreated(token, chat, at);
                    case "m" ->
                        new Write.MessageCreated(
                                token, chat, Long.parseLong(fields.get("n")), fields.get("b"), at, version(id));
                    case "e" ->
                        new Write.MessageEdited(
                                token, chat, Long.parseLong(fields.get("n")), fields.get("b"), at, version(id));
                    default -> throw new IllegalArgumentException("unknown entry kind " + fields.get("k"));
                });
    }

    /**
     * A stream entry id {@code ms-seq} as one long, {@code ms * 1,000,000 + min(seq, 999,999)}, ordered as the ids
     * are. All writes of an application go to one shard stream, whose ids Redis keeps strictly increasing, so this
     * orders every write of a message whichever worker applies it. Redis restarts {@code seq} at 0 every
     * millisecond; only a server clock set back by minutes under load holds one millisecond long enough to pass a
     * million (Redis keeps the last millisecond and counts up). Such ids share the top version: writes of equal
     * versions are applied in stream order and the later one wins everywhere (MySQL, Elasticsearch's {@code
     * external_gte}), so only a worker stalled past its lease could still revert one of them, whereas failing the
     * entry would stop its shard for good. {@code ms} fits up to about 9.2 * 10^12 (the year 2262).
     */
    static long version(StreamEntryID id) {
        if (id.getSequence() < 0) {
            throw new IllegalArgumentException("stream entry id " + id + ": negative sequence");
        }
        long sequence = Math.min(id.getSequence(), SEQUENCES_PER_MILLI - 1);
        return Math.addExact(Math.multiplyExact(id.getTime(), SEQUENCES_PER_MILLI), sequence);
    }

    /** The lowest stream entry id {@code version} can come from: the inverse of {@link #version}. */
    static StreamEntryID entryId(long version) {
        return new StreamEntryID(version / SEQUENCES_PER_MILLI, version % SEQUENCES_PER_MILLI);
    }

    /** What the search index needs from a write: message creates and edits carry a body. */
    static Optional<IndexedMessage> indexed(Write write) {
        return switch (write) {
            case Write.MessageCreated m ->
                Optional.of(new IndexedMessage(m.token(), m.chatNumber(), m.messageNumber(), m.body(), m.version()));
            case Write.MessageEdited e ->
                Optional.of(new IndexedMessage(e.token(), e.chatNumber(), e.messageNumber(), e.body(), e.version()));
            case Write.ChatCreated c -> Optional.empty();
        };
    }

    /** The pending-hash field a write was recorded under. */
    static String pendingField(Write write) {
        return switch (write) {
            case Write.ChatCreated c -> RedisKeys.chatField(c.chatNumber());
            case Write.MessageCreated m -> RedisKeys.messageField(m.chatNumber(), m.messageNumber());
            case Write.MessageEdited e -> RedisKeys.messageField(e.chatNumber(), e.messageNumber());
        };
    }
}
