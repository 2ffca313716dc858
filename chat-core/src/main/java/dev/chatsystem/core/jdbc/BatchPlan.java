package dev.chatsystem.core.jdbc;

import dev.chatsystem.core.spi.Displaced;
import dev.chatsystem.core.spi.Write;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a list of writes changes, worked out in memory in list order against the keys that already exist, so the
 * store can then run one batched statement per kind of change instead of one round trip per write.
 */
final class BatchPlan {
    /** A chat by its application's id and its number. */
    record ChatKey(long applicationId, long chatNumber) {}

    /** A message by its chat's key and its number. */
    record MessageKey(ChatKey chat, long messageNumber) {}

    /** A message to insert; the batch's edits of it are folded into it, with the newest one's version and body. */
    record NewMessage(String body, Instant createdAt, Instant updatedAt, long version) {}

    /** The newest edit (highest version) in the batch of a message that existed before it, at the latest time. */
    record Edit(long messageId, String body, Instant at, long version) {}

    final Map<ChatKey, Instant> newChats = new LinkedHashMap<>();
    final Map<MessageKey, NewMessage> newMessages = new LinkedHashMap<>();
    final Map<MessageKey, Edit> edits = new LinkedHashMap<>();
    final List<Write.MessageCreated> displacedMessages = new ArrayList<>();
    final List<Write.ChatCreated> displacedChats = new ArrayList<>();

    private BatchPlan() {}

    /**
     * What the store holds of the keys that creates name and that exist: enough to tell a replay of a create from
     * another create given the same number ({@link Displaced}).
     *
     * @param messagesCreatedAt the stored creation time in microseconds by message id
     * @param chatsCreatedAt the stored creation time in microseconds by chat key
     */
    record Stored(Map<Long, Long> messagesCreatedAt, Map<ChatKey, Long> chatsCreatedAt) {
        static final Stored NOTHING = new Stored(Map.of(), Map.of());
    }

    /**
     * Plans the writes. Writes for unknown tokens, messages of chats that do not exist and edits of messages that do
     * not exist are left out; creates of keys that exist, or that an earlier write in the list created, too. Of a
     * message's edits only the body of the one with the highest version is kept (the last of equal ones), whatever the
     * list order; whether it is newer than the stored message is for the update to decide. It gets the latest time of
     * them all, the create's too: a time the write path gave without seeing the edits ordered before (a server whose
     * clock is ahead, one from before edits were dated in order) must not make the message's time go backwards.
     *
     * @param applications application id by token, for the tokens that exist
     * @param chats the chat keys that exist
     * @param messages message id by key, for the messages that exist
     */
    static BatchPlan of(
            List<Write> writes, Map<String, Long> applications, Set<ChatKey> chats, Map<MessageKey, Long> messages) {
        return of(writes, applications, chats, messages, Stored.NOTHING);
    }

    /**
     * As {@link #of(List, Map, Set, Map)}, and lists the creates left out because their key holds another write: a
     * chat or message created at another time, stored or created by an earlier write of the list. A create delivered
     * again finds the time it stored, which no edit changes; versions would not tell (an edit of the stored row,
     * applied before the create is read again, raises its version past the create's).
     */
    static BatchPlan of(
            List<Write> writes,
            Map<String, Long> applications,
            Set<ChatKey> chats,
            Map<MessageKey, Long> messages,
            Stored stored) {
        BatchPlan plan = new BatchPlan();
        Set<ChatKey> knownChats = new HashSet<>(chats);
        for (Write write : writes) {
            Long applicationId = applications.get(write.token());
            if (applicationId == null) {
                continue;
            }
            ChatKey chat = new ChatKey(applicationId, write.chatNumber());
            switch (write) {
                case Write.ChatCreated created -> {
                    Instant at = Rows.truncate(created.at());
                    Instant planned = plan.newChats.get(chat);
                    if (knownChats.add(chat)) {
                        plan.newChats.put(chat, at);
                    } else if (planned != null
                            ? !planned.equals(at)
                            : storedAtOther(stored.chatsCreatedAt(), chat, at)) {
                        plan.displacedChats.add(created);
                    }
                }
                case Write.MessageCreated created -> {
                    MessageKey key = new MessageKey(chat, created.messageNumber());
                    Instant at = Rows.truncate(created.at());
                    NewMessage planned = plan.newMessages.get(key);
                    if (planned != null) {
                        // Two creates given one number while both were in the stream: the later one is displaced
                        // here as it would be in a later batch (this one's earlier create is stored by then).
                        if (!planned.createdAt().equals(at)) {
                            plan.displacedMessages.add(created);
                        }
                    } else if (knownChats.contains(chat) && !messages.containsKey(key)) {
                        plan.newMessages.put(key, new NewMessage(created.body(), at, at, created.version()));
                    } else if (messages.containsKey(key)
                            && storedAtOther(stored.messagesCreatedAt(), messages.get(key), at)) {
                        plan.displacedMessages.add(created);
                    }
                }
                case Write.MessageEdited edited -> {
                    MessageKey key = new MessageKey(chat, edited.messageNumber());
                    Instant at = Rows.truncate(edited.at());
                    NewMessage inserted = plan.newMessages.get(key);
                    Edit planned = plan.edits.get(key);
                    if (inserted != null) {
                        boolean newer = edited.version() >= inserted.version();
                        plan.newMessages.put(
                                key,
                                new NewMessage(
                                        newer ? edited.body() : inserted.body(),
                                        inserted.createdAt(),
                                        latest(inserted.updatedAt(), at),
                                        Math.max(edited.version(), inserted.version())));
                    } else if (planned != null) {
                        boolean newer = edited.version() >= planned.version();
                        plan.edits.put(
                                key,
                                new Edit(
                                        planned.messageId(),
                                        newer ? edited.body() : planned.body(),
                                        latest(planned.at(), at),
                                        Math.max(edited.version(), planned.version())));
                    } else if (messages.containsKey(key)) {
                        plan.edits.put(key, new Edit(messages.get(key), edited.body(), at, edited.version()));
                    }
                }
            }
        }
        return plan;
    }

    /** Whether the store holds the key, created at another time than {@code at}. */
    private static <K> boolean storedAtOther(Map<K, Long> createdAt, K key, Instant at) {
        Long stored = createdAt.get(key);
        return stored != null && stored != Rows.micros(at);
    }

    private static Instant latest(Instant one, Instant other) {
        return one.isAfter(other) ? one : other;
    }

    /** The message keys the writes name in chats that exist, whose existence the planner needs to know. */
    static Set<MessageKey> messageKeys(List<Write> writes, Map<String, Long> applications, Set<ChatKey> chats) {
        Set<MessageKey> keys = new HashSet<>();
        for (Write write : writes) {
            Long applicationId = applications.get(write.token());
            ChatKey chat = applicationId == null ? null : new ChatKey(applicationId, write.chatNumber());
            if (chat == null || !chats.contains(chat)) {
                continue;
            }
            switch (write) {
                case Write.ChatCreated ignored -> {}
                case Write.MessageCreated created -> keys.add(new MessageKey(chat, created.messageNumber()));
                case Write.MessageEdited edited -> keys.add(new MessageKey(chat, edited.messageNumber()));
            }
        }
        return keys;
    }

    Displaced displaced() {
        return displacedMessages.isEmpty() && displacedChats.isEmpty()
                ? Displaced.NONE
                : new Displaced(displacedMessages, displacedChats);
    }

    /**
     * The highest version the plan writes, 0 when it writes none. An edit the store then refuses (older than its row)
     * is below that row's version, so it never makes this exceed what is stored, a version already written.
     */
    long highestVersion() {
        long highest = 0;
        for (NewMessage message : newMessages.values()) {
            highest = Math.max(highest, message.version());
        }
        for (Edit edit : edits.values()) {
            highest = Math.max(highest, edit.version());
        }
        return highest;
    }

    /** How many messages the plan inserts per chat. */
    Map<ChatKey, Long> messagesPerChat() {
        Map<ChatKey, Long> counts = new LinkedHashMap<>();
        newMessages.keySet().forEach(key -> counts.merge(key.chat(), 1L, Long::sum));
        return counts;
    }
}
