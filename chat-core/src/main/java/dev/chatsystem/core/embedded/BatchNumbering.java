package dev.chatsystem.core.embedded;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ChatException;
import dev.chatsystem.core.IdempotencyMismatchException;
import dev.chatsystem.core.NotFoundException;
import dev.chatsystem.core.spi.Accepted;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Displaced;
import dev.chatsystem.core.spi.Idempotency;
import dev.chatsystem.core.spi.IdempotencyRecord;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.Write;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one batch of pending writes into numbered {@link Write}s and idempotency records, refusing messages for chats
 * that do not exist. Numbers continue from the store's maximum, read once per application or chat per batch; the counters live only for the batch, so a batch
 * that fails to commit consumes no number. A keyed create whose key is already known (earlier in this batch, or in
 * the store within its retention) is answered from the original and writes nothing.
 */
final class BatchNumbering {
    private final ChatStore store;
    private final CommittedNumbers committedChats;
    private final CommittedNumbers committedMessages;
    private final WriteVersions versions;
    private final Map<String, Long> lastChat = new HashMap<>();
    private final Map<String, Long> lastMessage = new HashMap<>();
    private final Map<String, IdempotencyRecord> keysInBatch = new HashMap<>();
    /** By scope and key: the outcomes answered from a create earlier in this batch, which share its fate. */
    private final Map<String, List<Integer>> replaysInBatch = new HashMap<>();

    private final List<Write> writes = new ArrayList<>();
    /** Each keyed create's record, under the create it remembers. */
    private final Map<Write, IdempotencyRecord> records = new LinkedHashMap<>();

    private final List<IndexedMessage> indexed = new ArrayList<>();
    /** The write each of {@link #indexed} comes from. */
    private final List<PendingWrite> indexedFrom = new ArrayList<>();

    private final List<Object> outcomes = new ArrayList<>();
    /** For each of {@link #writes}, the index of its pending write's outcome. */
    private final List<Integer> outcomeOfWrite = new ArrayList<>();

    BatchNumbering(
            ChatStore store,
            CommittedNumbers committedChats,
            CommittedNumbers committedMessages,
            WriteVersions versions,
            List<PendingWrite> batch) {
        this.store = store;
        this.committedChats = committedChats;
        this.committedMessages = committedMessages;
        this.versions = versions;
        batch.forEach(this::number);
    }

    /** Once the batch has committed: its numbers become the ones later batches continue from. */
    void committed() {
        committedChats.committed(lastChat);
        committedMessages.committed(lastMessage);
    }

    /**
     * After {@code apply} failed: whether the batch committed all the same (the failure came after the commit: closing
     * the connection, say), so that its callers are answered as for any committed batch. When the store cannot tell,
     * the batch may be in it: later batches read the numbers of its parents from the store again, and its documents
     * are reported to {@code missed}, so that the index is rebuilt from the store.
     */
    boolean committedAfterAll(MissedWrites missed) {
        Optional<Boolean> committed = readBack();
        if (committed.isEmpty()) {
            committedChats.forget(lastChat.keySet());
            committedMessages.forget(lastMessage.keySet());
            if (!indexed.isEmpty()) {
                missed.record();
            }
        }
        return committed.orElse(false);
    }

    /**
     * Whether the batch committed all the same (its answer lost after the commit), read back
     * through its first write; empty when the store cannot tell now. Only this writer numbers chats and gives versions,
     * each above all before, so the store holding that chat number or a version that high means the batch is in.
     */
    private Optional<Boolean> readBack() {
        if (writes.isEmpty()) {
            return Optional.of(false);
        }
        try {
            return Optional.of(
                    switch (writes.get(0)) {
                        case Write.ChatCreated chat -> store.maxChatNumber(chat.token()) >= chat.chatNumber();
                        case Write.MessageCreated message ->
                            store.maxMessageVersion(message.token(), message.chatNumber()) >= message.version();
                        case Write.MessageEdited edit ->
                            store.maxMessageVersion(edit.token(), edit.chatNumber()) >= edit.version();
                    });
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    List<Write> writes() {
        return writes;
    }

    Map<Write, IdempotencyRecord> records() {
        return records;
    }

    List<IndexedMessage> indexed() {
        return indexed;
    }

    /** The documents for the indexer, numbered by {@code sequence}; empty when the batch changed no message. */
    Optional<IndexBatch> forIndex(IndexStage indexing) {
        if (indexed.isEmpty()) {
            return Optional.empty();
        }
        long[] queuedNanos =
                indexedFrom.stream().mapToLong(PendingWrite::queuedNanos).toArray();
        return Optional.of(
                indexing.give(indexed, queuedNanos, indexedFrom.get(0).at()));
    }

    /**
     * Once the batch is committed: the creates the store left out because their number held another write. This writer
     * numbers from what it committed, so it should never meet one; if it does, their callers are failed rather than
     * told a number that names another chat or message, and their documents kept from replacing that message's. So
     * are the callers this batch answered from their keys; the store kept no record of those keys, so a retry is
     * created again.
     */
    void displaced(Displaced displaced) {
        for (Write.ChatCreated chat : displaced.chats()) {
            fail(chat, "chat " + chat.chatNumber());
        }
        for (Write.MessageCreated m : displaced.messages()) {
            fail(m, "message " + m.messageNumber() + " of chat " + m.chatNumber());
            int j = indexed.indexOf(
                    new IndexedMessage(m.token(), m.chatNumber(), m.messageNumber(), m.body(), m.version()));
            if (j >= 0) {
                indexed.remove(j);
                indexedFrom.remove(j);
            }
        }
    }

    private void fail(Write create, String numbered) {
        int i = writes.indexOf(create);
        if (i >= 0) {
            BackendUnavailableException failure = new BackendUnavailableException(
                    "not created: the store already held " + numbered + " for another write; retry");
            outcomes.set(outcomeOfWrite.get(i), failure);
            IdempotencyRecord record = records.get(create);
            if (record != null) {
                replaysInBatch
                        .getOrDefault(scoped(record.scope(), record.key()), List.of())
                        .forEach(j -> outcomes.set(j, failure));
            }
        }
    }

    /** Completes the i-th pending write of the batch with its outcome, once the batch is committed. */
    void complete(int i, PendingWrite pending) {
        Object outcome = outcomes.get(i);
        if (outcome instanceof ChatException failure) {
            pending.result().completeExceptionally(failure);
        } else {
            pending.result().complete((Accepted) outcome);
        }
    }

    private void number(PendingWrite p) {
        Optional<IdempotencyRecord> known = p.idempotency().flatMap(key -> knownKey(key, p));
        if (known.isPresent()) {
            Idempotency key = p.idempotency().orElseThrow();
            String scoped = scoped(key.scope(), key.key());
            if (keysInBatch.containsKey(scoped)) { // answered from a create of this batch: fails with it (displaced)
                replaysInBatch.computeIfAbsent(scoped, k -> new ArrayList<>()).add(outcomes.size());
            }
            outcomes.add(replay(known.get(), key));
            return;
        }
        if (p.kind() == PendingWrite.Kind.CREATE_MESSAGE
                && p.chatNumber() > lastChat.computeIfAbsent(p.token(), this::lastChatNumber)) {
            // Checked here, once per application and batch, rather than by every caller before queuing.
            outcomes.add(new NotFoundException("no chat " + p.chatNumber() + " in this application"));
            return;
        }
        // An edit is dated here, where it is put in order, not by its caller's clock read before it was queued.
        Instant at = p.kind() == PendingWrite.Kind.EDIT_MESSAGE ? versions.editedAt(p.at()) : p.at();
        long n = switch (p.kind()) {
            case CREATE_CHAT -> {
                long next =
                        lastChat.compute(p.token(), (token, last) -> (last == null ? lastChatNumber(token) : last) + 1);
                writes.add(new Write.ChatCreated(p.token(), next, p.at()));
                lastMessage.put(p.token() + '/' + next, 0L); // a new chat has no messages: nothing to read
                yield next;
            }
            case CREATE_MESSAGE -> {
                long next = lastMessage.compute(
                        p.token() + '/' + p.chatNumber(),
                        (key, last) -> (last == null ? lastMessageNumber(key, p) : last) + 1);
                long version = versions.next(p.at());
                writes.add(new Write.MessageCreated(p.token(), p.chatNumber(), next, p.body(), p.at(), version));
                indexed.add(new IndexedMessage(p.token(), p.chatNumber(), next, p.body(), version));
                indexedFrom.add(p);
                yield next;
            }
            case EDIT_MESSAGE -> {
                long version = versions.next(at);
                writes.add(
                        new Write.MessageEdited(p.token(), p.chatNumber(), p.messageNumber(), p.body(), at, version));
                indexed.add(new IndexedMessage(p.token(), p.chatNumber(), p.messageNumber(), p.body(), version));
                indexedFrom.add(p);
                yield 0;
            }
        };
        outcomeOfWrite.add(outcomes.size()); // each case above adds one write
        Write write = writes.get(writes.size() - 1);
        p.idempotency().ifPresent(key -> remember(key, n, p, write));
        outcomes.add(new Accepted(n, at, false));
    }

    private long lastChatNumber(String token) {
        Long committed = committedChats.get(token);
        return committed != null ? committed : store.maxChatNumber(token);
    }

    private long lastMessageNumber(String chatKey, PendingWrite p) {
        Long committed = committedMessages.get(chatKey);
        return committed != null ? committed : store.maxMessageNumber(p.token(), p.chatNumber());
    }

    private Optional<IdempotencyRecord> knownKey(Idempotency key, PendingWrite p) {
        IdempotencyRecord inBatch = keysInBatch.get(scoped(key.scope(), key.key()));
        if (inBatch != null) {
            return Optional.of(inBatch);
        }
        return store.idempotencyRecord(key.scope(), key.key(), p.at().minus(key.retention()));
    }

    private void remember(Idempotency key, long number, PendingWrite p, Write write) {
        IdempotencyRecord record =
                new IdempotencyRecord(key.scope(), key.key(), key.fingerprint(), Long.toString(number), p.at());
        keysInBatch.put(scoped(key.scope(), key.key()), record);
        records.put(write, record);
    }

    private static String scoped(String scope, String key) {
        return scope + '\n' + key;
    }

    private static Object replay(IdempotencyRecord record, Idempotency request) {
        if (!record.fingerprint().equals(request.fingerprint())) {
            return new IdempotencyMismatchException(
                    "Idempotency-Key was already used with a different request in this scope");
        }
        return new Accepted(Long.parseLong(record.result()), record.at(), true);
    }
}
