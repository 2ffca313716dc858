package dev.chatsystem.core.jdbc;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.spi.IndexedMessage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jdbi.v3.core.mapper.RowMapper;

/** Row mappers and the time encoding shared by the store's statements. */
final class Rows {
    static final String APPLICATION_COLUMNS = "a.token, a.name, a.chats_count, a.created_at";
    static final String CHAT_COLUMNS = "c.chat_number, c.messages_count, c.created_at";
    /** A message's columns when its chat is known already. */
    static final String CHAT_MESSAGE_COLUMNS = "m.message_number, m.body, m.created_at, m.updated_at";

    static final RowMapper<Application> APPLICATION = (rs, ctx) -> new Application(
            rs.getString("token"), rs.getString("name"), rs.getLong("chats_count"), instant(rs.getLong("created_at")));

    static final RowMapper<Chat> CHAT = (rs, ctx) ->
            new Chat(rs.getLong("chat_number"), rs.getLong("messages_count"), instant(rs.getLong("created_at")));

    /** Messages of a chat read without joining the chat: the caller knows its number. */
    static RowMapper<Message> messageOf(long chatNumber) {
        return (rs, ctx) -> new Message(
                chatNumber,
                rs.getLong("message_number"),
                rs.getString("body"),
                instant(rs.getLong("created_at")),
                instant(rs.getLong("updated_at")));
    }

    static final RowMapper<IndexedMessage> INDEXED = (rs, ctx) -> new IndexedMessage(
            rs.getString("token"),
            rs.getLong("chat_number"),
            rs.getLong("message_number"),
            rs.getString("body"),
            indexVersion(rs.getLong("version"), rs.getLong("updated_at")));

    /** Milliseconds a version derived for an unversioned row stays below its update: see {@link #indexVersion}. */
    static final long UNVERSIONED_MARGIN_MILLIS = 3_600_000;

    private static final long SEQUENCES_PER_MILLI = 1_000_000L;

    private static final long MICROS_PER_SECOND = 1_000_000L;

    private Rows() {}

    /**
     * The version the index gets for a stored message. Rows stored before messages had versions (and by workers of
     * that time during a rolling upgrade) hold 0, which the index takes as unversioned, overwriting whatever it has:
     * a reindex or catch-up reading such a row while a newer edit of it was indexed but not yet stored put the older
     * body back. They get a version in the write versions' encoding ({@code ms * 1,000,000 + seq}) an hour before
     * their last update instead: below any edit made after that update, even from a server whose clock is behind by
     * less than the hour, and far above the small versions Elasticsearch counted for unversioned writes.
     */
    static long indexVersion(long stored, long updatedAtMicros) {
        if (stored > 0) {
            return stored;
        }
        long millis = Math.floorDiv(updatedAtMicros, 1_000L) - UNVERSIONED_MARGIN_MILLIS;
        return Math.max(1, millis) * SEQUENCES_PER_MILLI;
    }

    /** Microseconds since the epoch; sub-microsecond digits are dropped, as {@link #truncate} does. */
    static long micros(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), MICROS_PER_SECOND), at.getNano() / 1_000);
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(
                Math.floorDiv(micros, MICROS_PER_SECOND), Math.floorMod(micros, MICROS_PER_SECOND) * 1_000);
    }

    /** The instant as it reads back from the store. */
    static Instant truncate(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }
}
