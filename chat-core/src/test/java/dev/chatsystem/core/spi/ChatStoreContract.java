package dev.chatsystem.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.ChatException;
import dev.chatsystem.core.ConflictException;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.ReconcileFailedException;
import dev.chatsystem.core.ReconcileReport.Correction;
import dev.chatsystem.core.spi.Write.ChatCreated;
import dev.chatsystem.core.spi.Write.MessageCreated;
import dev.chatsystem.core.spi.Write.MessageEdited;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ChatStore} and {@link CountReconciler} adapter shares. An adapter's test extends this
 * class and supplies a fresh, empty store per test and a connection of its own to the store's database, to change it
 * behind the store's back.
 */
public abstract class ChatStoreContract {
    /** An instant with nanoseconds, which stores keep to the microsecond. */
    protected static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456789Z");

    protected static final Instant T1 = T0.plusSeconds(60);

    protected ChatStore store;

    /** A fresh, empty store; closed after each test. It must also be a {@link CountReconciler}. */
    protected abstract ChatStore newStore();

    /** A connection of the test's own to the database of the store {@link #newStore()} opened last. */
    protected abstract Connection connect() throws SQLException;

    /** Overwrites a stored count behind the store's back: the application's for chat 0, else the chat's. */
    protected void corruptCount(String token, long chatNumber, long value) {
        String sql = chatNumber == 0
                ? "UPDATE applications SET chats_count = ? WHERE token = ?"
                : "UPDATE chats SET messages_count = ? WHERE chat_number = ? AND application_id ="
                        + " (SELECT id FROM applications WHERE token = ?)";
        try (Connection connection = connect();
                PreparedStatement update = connection.prepareStatement(sql)) {
            update.setLong(1, value);
            if (chatNumber == 0) {
                update.setString(2, token);
            } else {
                update.setLong(2, chatNumber);
                update.setString(3, token);
            }
            assertThat(update.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private void execute(String sql) {
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static Instant micros(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }

    private CountReconciler reconciler() {
        return (CountReconciler) store;
    }

    private void chatWithMessages(String token, long chatNumber, int messages) {
        List<Write> writes = new ArrayList<>(List.of(new ChatCreated(token, chatNumber, T0)));
        for (int n = 1; n <= messages; n++) {
            writes.add(new MessageCreated(token, chatNumber, n, "message " + n, T0.plusMillis(n), n));
        }
        store.apply(writes);
    }

    @Test
    void reportsTheNewestAppliedMigration() {
        assertThat(store.schemaVersion()).isEqualTo("5");
    }

    /** Workers of several processes record marks of one shard in any order: a late, lower one must not win. */
    @Test
    void aPersistedMarkIsRaisedButNeverLowered() {
        assertThat(store.persistedMarks()).isEmpty();

        store.markPersisted(0, 1_000);
        store.markPersisted(3, 7);
        store.markPersisted(0, 999);
        assertThat(store.persistedMarks()).containsExactly(Map.entry(0, 1_000L), Map.entry(3, 7L));

        store.markPersisted(0, 1_000_000_000_000_000_001L); // the versions of stream ids take all 64 bits but one
        store.markPersisted(3, 7);
        assertThat(store.persistedMarks()).containsExactly(Map.entry(0, 1_000_000_000_000_000_001L), Map.entry(3, 7L));
        assertThat(store.persistedMark(0)).isEqualTo(1_000_000_000_000_000_001L);
        assertThat(store.persistedMark(3)).isEqualTo(7L);
        assertThat(store.persistedMark(1)).isZero();
    }

    /** A busy drainer's mark rides in its batch's transaction: no commit of its own. */
    @Test
    void aBatchCanRaiseItsShardsMarkWithIt() {
        store.createApplication("tok", "app", T0);

        store.apply(List.of(new ChatCreated("tok", 1, T0)), 2, 5_000);
        store.apply(List.of(new MessageCreated("tok", 1, 1, "hello", T0, 5_001)), 2, 4_000);

        assertThat(store.persistedMark(2)).isEqualTo(5_000);
        assertThat(store.maxMessageNumber("tok", 1)).isEqualTo(1);
    }

    @Test
    void idempotencyRecordsAreStoredWithTheirWritesAndFoundWithinTheirRetention() {
        store.createApplication("tok", "app", T0);
        IdempotencyRecord record = new IdempotencyRecord("chats:tok", "key 1", "fp", "1", T0);
        ChatCreated first = new ChatCreated("tok", 1, T0);
        store.apply(List.of(first), Map.of(first, record));

        assertThat(store.idempotencyRecord("chats:tok", "key 1", T0.minusSeconds(1)))
                .hasValue(new IdempotencyRecord("chats:tok", "key 1", "fp", "1", micros(T0)));
        assertThat(store.idempotencyRecord("chats:tok", "key 1", T1)).isEmpty(); // expired
        assertThat(store.idempotencyRecord("chats:other", "key 1", T0.minusSeconds(1)))
                .isEmpty();

        IdempotencyRecord renewed = new IdempotencyRecord("chats:tok", "key 1", "fp2", "2", T1);
        ChatCreated second = new ChatCreated("tok", 2, T1);
        store.apply(List.of(second), Map.of(second, renewed)); // replaces the expired one
        assertThat(store.idempotencyRecord("chats:tok", "key 1", T1))
                .map(IdempotencyRecord::result)
                .hasValue("2");

        Map<Write, IdempotencyRecord> keyed = new LinkedHashMap<>();
        for (long chat = 3; chat <= 5; chat++) {
            keyed.put(
                    new ChatCreated("tok", chat, T1),
                    new IdempotencyRecord("chats:tok", "key " + chat, "fp", "" + chat, T1));
        }
        store.apply(List.copyOf(keyed.keySet()), keyed);

        // At most the limit per call (a transaction each), until none are left.
        assertThat(store.purgeIdempotencyRecords(T1.plusSeconds(1), 3)).isEqualTo(3);
        assertThat(store.purgeIdempotencyRecords(T1.plusSeconds(1), 3)).isEqualTo(1);
        assertThat(store.purgeIdempotencyRecords(T1.plusSeconds(1), 3)).isZero();
        assertThat(store.idempotencyRecord("chats:tok", "key 1", T0)).isEmpty();
    }

    /** A create displaced by another write's number leaves no record: a retry with its key must not get that number. */
    @Test
    void aDisplacedCreateLeavesNoIdempotencyRecord() {
        store.createApplication("tok", "app", T0);
        store.apply(List.of(new ChatCreated("tok", 1, T0), new MessageCreated("tok", 1, 1, "stored", T0, 1)));
        MessageCreated numberedAgain = new MessageCreated("tok", 1, 1, "numbered again", T1, 2);
        MessageCreated next = new MessageCreated("tok", 1, 2, "next", T1, 3);
        Map<Write, IdempotencyRecord> keyed = new LinkedHashMap<>();
        keyed.put(numberedAgain, new IdempotencyRecord("messages:tok/1", "again", "fp", "1", T1));
        keyed.put(next, new IdempotencyRecord("messages:tok/1", "next", "fp", "2", T1));

        assertThat(store.apply(List.of(numberedAgain, next), keyed).messages()).containsExactly(numberedAgain);

        assertThat(store.idempotencyRecord("messages:tok/1", "again", T0)).isEmpty();
        assertThat(store.idempotencyRecord("messages:tok/1", "next", T0))
                .map(IdempotencyRecord::result)
                .hasValue("2");
    }

    @Test
    void anApplicationIsCreatedOncePerIdempotencyKeyEvenConcurrently() throws Exception {
        List<java.util.concurrent.Future<Optional<IdempotencyRecord>>> results = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        // All released at once: submitted one by one, each call could finish before the next began, and only the
        // losers of a race reach the duplicate-key path.
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(8);
        for (int i = 0; i < 8; i++) {
            String token = "token" + i;
            IdempotencyRecord record = new IdempotencyRecord("applications", "same", "fp", token, T0);
            results.add(pool.submit(() -> {
                start.await(10, java.util.concurrent.TimeUnit.SECONDS);
                return store.createApplication(token, "app", T0, record, T0.minusSeconds(60));
            }));
        }
        int created = 0;
        for (var result : results) {
            if (result.get().isEmpty()) {
                created++;
            }
        }
        pool.shutdown();

        assertThat(created).isEqualTo(1);
        assertThat(store.countApplications()).isEqualTo(1);
        String winner = store.applications(Optional.empty(), 10).get(0).token();
        assertThat(store.idempotencyRecord("applications", "same", T0.minusSeconds(60)))
                .map(IdempotencyRecord::result)
                .hasValue(winner);
    }

    @Test
    void createsAndReadsAnApplicationWithAUnicodeName() {
        String name = "Café ☕ 日本語 🚀";

        Application created = store.createApplication("tok", name, T0);

        assertThat(created).isEqualTo(new Application("tok", name, 0, micros(T0)));
        assertThat(store.application("tok")).contains(created);
        assertThat(store.application("nope")).isEmpty();
        assertThat(store.countApplications()).isEqualTo(1);
    }

    /** The API's longest names (255 UTF-16 code units) never fail in a store: H2 counts units, MySQL code points. */
    @Test
    void storesTheLongestNamesTheApiAccepts() {
        List<String> names = List.of("x".repeat(255), "é".repeat(255), "\uD83D\uDE80".repeat(127) + "x");
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            store.createApplication("tok" + i, name, T0);
            assertThat(store.application("tok" + i)).map(Application::name).hasValue(name);
        }
        assertThat(store.renameApplication("tok0", names.get(2), T1))
                .map(Application::name)
                .hasValue(names.get(2));
    }

    @Test
    void roundTripsInstantsToTheMicrosecond() {
        Instant beforeEpoch = Instant.parse("1969-12-31T23:59:59.999999999Z");

        store.createApplication("old", "old", beforeEpoch);

        assertThat(store.application("old").orElseThrow().createdAt())
                .isEqualTo(Instant.parse("1969-12-31T23:59:59.999999Z"));
    }

    @Test
    void refusesADuplicateToken() {
        store.createApplication("tok", "first", T0);

        assertThatThrownBy(() -> store.createApplication("tok", "second", T1)).isInstanceOf(ConflictException.class);
        assertThat(store.application("tok").orElseThrow().name()).isEqualTo("first");
    }

    @Test
    void renamesAnApplication() {
        store.createApplication("tok", "old", T0);

        assertThat(store.renameApplication("tok", "new ✓", T1))
                .contains(new Application("tok", "new ✓", 0, micros(T0)));
        assertThat(store.application("tok").orElseThrow().name()).isEqualTo("new ✓");
        assertThat(store.renameApplication("nope", "x", T1)).isEmpty();
    }

    @Test
    void listsApplicationsByTokenCaseSensitively() {
        for (String token : List.of("b", "a", "C", "c")) {
            store.createApplication(token, "app " + token, T0);
        }

        assertThat(store.applications(Optional.empty(), 10))
                .extracting(Application::token)
                .containsExactly("C", "a", "b", "c");
        assertThat(store.applications(Optional.of("a"), 2))
                .extracting(Application::token)
                .containsExactly("b", "c");
        assertThat(store.applications(Optional.of("c"), 2)).isEmpty();
    }

    @Test
    void pagesChatsByNumber() {
        store.createApplication("tok", "app", T0);
        for (long n = 1; n <= 5; n++) {
            store.apply(List.of(new ChatCreated("tok", n, T0.plusSeconds(n))));
        }

        assertThat(store.chats("tok", 0, 2)).extracting(Chat::chatNumber).containsExactly(1L, 2L);
        assertThat(store.chats("tok", 2, 10)).extracting(Chat::chatNumber).containsExactly(3L, 4L, 5L);
        assertThat(store.chats("tok", 5, 10)).isEmpty();
        assertThat(store.chat("tok", 3)).contains(new Chat(3, 0, micros(T0.plusSeconds(3))));
        assertThat(store.chat("tok", 9)).isEmpty();
        assertThat(store.maxChatNumber("tok")).isEqualTo(5);
        assertThat(store.maxChatNumber("nope")).isZero();
        assertThat(store.application("tok").orElseThrow().chatsCount()).isEqualTo(5);
        assertThat(store.countChats()).isEqualTo(5);
    }

    @Test
    void pagesAndLooksUpMessagesByNumber() {
        store.createApplication("tok", "app", T0);
        chatWithMessages("tok", 1, 5);

        assertThat(store.messages("tok", 1, 0, 2))
                .extracting(Message::messageNumber)
                .containsExactly(1L, 2L);
        assertThat(store.messages("tok", 1, 2, 10))
                .extracting(Message::messageNumber)
                .containsExactly(3L, 4L, 5L);
        assertThat(store.messages("tok", 1, List.of(4L, 2L, 99L)))
                .extracting(Message::messageNumber)
                .containsExactlyInAnyOrder(2L, 4L);
        assertThat(store.messages("tok", 1, List.of())).isEmpty();
        Instant at = micros(T0.plusMillis(3));
        assertThat(store.message("tok", 1, 3)).contains(new Message(1, 3, "message 3", at, at));
        assertThat(store.message("tok", 1, 6)).isEmpty();
        assertThat(store.message("tok", 2, 1)).isEmpty();
        assertThat(store.maxMessageNumber("tok", 1)).isEqualTo(5);
        assertThat(store.maxMessageNumber("tok", 2)).isZero();
        assertThat(store.chat("tok", 1).orElseThrow().messagesCount()).isEqualTo(5);
    }

    @Test
    void applyingABatchTwiceStoresItOnce() {
        store.createApplication("tok", "app", T0);
        List<Write> batch = List.of(
                new ChatCreated("tok", 1, T0),
                new MessageCreated("tok", 1, 1, "one", T0, 1),
                new MessageCreated("tok", 1, 2, "two", T0, 1),
                new ChatCreated("tok", 2, T0),
                new MessageCreated("tok", 2, 1, "other", T0, 1),
                new MessageCreated("tok", 1, 1, "one again", T1, 1));

        store.apply(batch);
        store.apply(batch);

        assertThat(store.application("tok").orElseThrow().chatsCount()).isEqualTo(2);
        assertThat(store.chat("tok", 1).orElseThrow().messagesCount()).isEqualTo(2);
        assertThat(store.chat("tok", 2).orElseThrow().messagesCount()).isEqualTo(1);
        assertThat(store.message("tok", 1, 1).orElseThrow().body()).isEqualTo("one");
        assertThat(store.countChats()).isEqualTo(2);
        assertThat(store.countMessages(Optional.empty())).isEqualTo(3);
        assertThat(reconciler().reconcile().corrections()).isEmpty();
    }

    @Test
    void editsReplaceTheBodyAndKeepCreationTime() {
        store.createApplication("tok", "app", T0);
        chatWithMessages("tok", 1, 2);

        store.apply(List.of(
                new MessageEdited("tok", 1, 1, "first edit", T1, 2),
                new MessageEdited("tok", 1, 1, "second edit", T1.plusSeconds(1), 3),
                new MessageEdited("tok", 1, 9, "missing", T1, 4),
                new MessageEdited("tok", 7, 1, "missing chat", T1, 5)));

        Message edited = store.message("tok", 1, 1).orElseThrow();
        assertThat(edited.body()).isEqualTo("second edit");
        assertThat(edited.createdAt()).isEqualTo(micros(T0.plusMillis(1)));
        assertThat(edited.updatedAt()).isEqualTo(micros(T1.plusSeconds(1)));
        assertThat(store.message("tok", 1, 2).orElseThrow().body()).isEqualTo("message 2");
        assertThat(store.message("tok", 1, 9)).isEmpty();
        assertThat(store.chat("tok", 7)).isEmpty();
        assertThat(store.chat("tok", 1).orElseThrow().messagesCount()).isEqualTo(2);
    }

    @Test
    void aStaleEditNeverOverwritesANewerOne() {
        store.createApplication("tok", "app", T0);
        List<Write> stalled = List.of(
                new ChatCreated("tok", 1, T0),
                new MessageCreated("tok", 1, 1, "v1", T0, 1),
                new MessageEdited("tok", 1, 1, "v2", T0.plusMillis(2), 2));
        List<Write> successor = new ArrayList<>(stalled);
        successor.add(new MessageEdited("tok", 1, 1, "v3", T0.plusMillis(3), 3));

        store.apply(successor); // the new lease holder applies everything
        store.apply(stalled); // the stalled one wakes up and applies its old batch
        store.apply(List.of(new MessageEdited("tok", 1, 1, "v2", T0.plusMillis(2), 2)));

        assertThat(store.message("tok", 1, 1).orElseThrow())
                .isEqualTo(new Message(1, 1, "v3", micros(T0), micros(T0.plusMillis(3))));
        assertThat(store.chat("tok", 1).orElseThrow().messagesCount()).isEqualTo(1);
        assertThat(store.messagesForIndex(Optional.empty(), 0, 10).messages())
                .containsExactly(new IndexedMessage("tok", 1, 1, "v3", 3));
        assertThat(store.maxMessageVersion()).isEqualTo(3);
    }

    @Test
    void aMessagesVersionIsRaisedButNeverLoweredAndOlderEditsAreRefusedAfterIt() {
        store.createApplication("tok", "app", T0);
        store.apply(List.of(
                new ChatCreated("tok", 1, T0),
                new MessageCreated("tok", 1, 1, "stored", T0, 5),
                new MessageCreated("tok", 1, 2, "other", T0, 6)));

        store.raiseMessageVersion("tok", 1, 1, 9);
        store.raiseMessageVersion("tok", 1, 1, 7); // lower: kept at 9
        store.raiseMessageVersion("tok", 1, 3, 9); // no such message
        store.raiseMessageVersion("tok", 2, 1, 9); // no such chat
        store.raiseMessageVersion("no-such-token", 1, 1, 9);

        assertThat(store.messagesForIndex(Optional.empty(), 0, 10).messages())
                .containsExactly(
                        new IndexedMessage("tok", 1, 1, "stored", 9), new IndexedMessage("tok", 1, 2, "other", 6));
        assertThat(store.message("tok", 1, 1).orElseThrow())
                .isEqualTo(new Message(1, 1, "stored", micros(T0), micros(T0)));

        store.apply(List.of(new MessageEdited("tok", 1, 1, "older edit", T1, 8)));
        assertThat(store.message("tok", 1, 1).orElseThrow().body()).isEqualTo("stored");
        store.apply(List.of(new MessageEdited("tok", 1, 1, "edit at the raised version", T1, 9)));
        assertThat(store.message("tok", 1, 1).orElseThrow().body()).isEqualTo("edit at the raised version");
    }

    @Test
    void theHighestMessageVersionIsZeroWithoutMessages() {
        assertThat(store.maxMessageVersion()).isZero();
    }

    /**
     * Kept by the writes as they store versions, per queue shard and for writes of none, so that recovery after a
     * loss of Redis data reads a few rows instead of every message (MySqlExplainTest checks the plan).
     */
    @Test
    void theHighestMessageVersionIsKeptByCreatesEditsAndRaisesNotReadFromTheMessages() throws SQLException {
        store.createApplication("tok", "app", T0);
        store.apply(
                List.of(
                        new ChatCreated("tok", 1, T0),
                        new MessageCreated("tok", 1, 1, "one", T0, 5),
                        new MessageCreated("tok", 1, 2, "two", T0, 7)),
                0);
        store.apply(List.of(new MessageEdited("tok", 1, 1, "one, edited", T1, 12)), 3);
        store.apply(List.of(new MessageEdited("tok", 1, 2, "stale", T1, 6)), 3, 99); // refused: older than stored
        store.apply(List.of(new MessageCreated("tok", 1, 3, "three", T0, 9))); // of no shard
        store.apply(List.of(new MessageEdited("tok", 1, 4, "no such message", T1, 40)), 2);
        assertThat(store.maxMessageVersion()).isEqualTo(12).isEqualTo(storedMaxVersion());

        store.raiseMessageVersion("tok", 1, 2, 20);
        store.raiseMessageVersion("tok", 1, 5, 30); // no such message: nothing stored
        assertThat(store.maxMessageVersion()).isEqualTo(20).isEqualTo(storedMaxVersion());

        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE messages SET version = 0"); // behind the store's back
        }
        assertThat(store.maxMessageVersion()).isEqualTo(20);
    }

    private long storedMaxVersion() throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT MAX(version) FROM messages")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Test
    void theHighestMessageVersionOfAChatCountsThatChatAlone() {
        store.createApplication("tok", "app", T0);
        store.apply(List.of(
                new ChatCreated("tok", 1, T0),
                new ChatCreated("tok", 2, T0),
                new MessageCreated("tok", 1, 1, "one", T0, 5),
                new MessageEdited("tok", 1, 1, "one, edited", T0, 9),
                new MessageCreated("tok", 2, 1, "two", T0, 40)));

        assertThat(store.maxMessageVersion("tok", 1)).isEqualTo(9);
        assertThat(store.maxMessageVersion("tok", 2)).isEqualTo(40);
        assertThat(store.maxMessageVersion("tok", 3)).isZero(); // no such chat
        assertThat(store.maxMessageVersion("no-such-token", 1)).isZero();
    }

    @Test
    void withinABatchTheNewestEditWinsWhateverItsPosition() {
        store.createApplication("tok", "app", T0);
        chatWithMessages("tok", 1, 1);
        store.apply(List.of(
                new MessageCreated("tok", 1, 2, "created", T0, 10),
                new MessageEdited("tok", 1, 2, "newest", T1, 12),
                new MessageEdited("tok", 1, 2, "older", T1, 11),
                new MessageEdited("tok", 1, 1, "newest", T1, 12),
                new MessageEdited("tok", 1, 1, "older", T1, 11)));

        assertThat(store.message("tok", 1, 1).orElseThrow().body()).isEqualTo("newest");
        assertThat(store.message("tok", 1, 2).orElseThrow().body()).isEqualTo("newest");
        assertThat(store.messagesForIndex(Optional.empty(), 0, 10).messages())
                .extracting(IndexedMessage::version)
                .containsExactly(12L, 12L);
    }

    /**
     * An edit ordered later (a higher version: its body wins) may carry an earlier time than one ordered before it,
     * when the write path dated it without seeing that one (a server whose clock is behind, one from before edits were
     * dated in order): the message keeps the later time, so its updated_at never goes back.
     */
    @Test
    void anEditOrderedLaterButDatedEarlierNeverMovesUpdatedAtBack() {
        store.createApplication("tok", "app", T0);
        chatWithMessages("tok", 1, 2);
        Instant ahead = T1.plusSeconds(5);

        store.apply(List.of(new MessageEdited("tok", 1, 1, "ordered first", ahead, 10)));
        store.apply(List.of(new MessageEdited("tok", 1, 1, "ordered last", T1, 11)));
        store.apply(List.of( // both in one batch, whatever the list order
                new MessageEdited("tok", 1, 2, "ordered last", T1, 11),
                new MessageEdited("tok", 1, 2, "ordered first", ahead, 10)));

        assertThat(store.message("tok", 1, 1).orElseThrow())
                .isEqualTo(new Message(1, 1, "ordered last", micros(T0.plusMillis(1)), micros(ahead)));
        assertThat(store.message("tok", 1, 2).orElseThrow())
                .isEqualTo(new Message(1, 2, "ordered last", micros(T0.plusMillis(2)), micros(ahead)));
    }

    @Test
    void editsFoldedIntoTheirCreateNeverMoveUpdatedAtBackNorBelowTheCreation() {
        store.createApplication("tok", "app", T0);
        Instant ahead = T1.plusSeconds(5);

        store.apply(List.of(
                new ChatCreated("tok", 1, T0),
                new MessageCreated("tok", 1, 1, "created", T0, 1),
                new MessageEdited("tok", 1, 1, "ordered first", ahead, 2),
                new MessageEdited("tok", 1, 1, "ordered last", T1, 3),
                new MessageCreated("tok", 1, 2, "created", T1, 4),
                new MessageEdited("tok", 1, 2, "dated before its create", T0, 5)));

        assertThat(store.message("tok", 1, 1).orElseThrow())
                .isEqualTo(new Message(1, 1, "ordered last", micros(T0), micros(ahead)));
        assertThat(store.message("tok", 1, 2).orElseThrow())
                .isEqualTo(new Message(1, 2, "dated before its create", micros(T1), micros(T1)));
    }

    @Test
    void reapplyingTheSameEditIsANoOp() {
        store.createApplication("tok", "app", T0);
        chatWithMessages("tok", 1, 1);
        List<Write> edit = List.of(new MessageEdited("tok", 1, 1, "edited", T1, 5));

        store.apply(edit);
        store.apply(edit);

        assertThat(store.message("tok", 1, 1).orElseThrow())
                .isEqualTo(new Message(1, 1, "edited", micros(T0.plusMillis(1)), micros(T1)));
    }

    @Test
    void appliesWritesInListOrderWithinABatch() {
        store.createApplication("tok", "app", T0);

        store.apply(List.of(
                new MessageEdited("tok", 1, 1, "edit before create", T0, 1),
                new ChatCreated("tok", 1, T0),
                new MessageCreated("tok", 1, 1, "created", T0, 2),
                new MessageEdited("tok", 1, 1, "edited", T1, 3),
                new MessageCreated("tok", 1, 2, "second", T1, 4)));

        Message first = store.message("tok", 1, 1).orElseThrow();
        assertThat(first).isEqualTo(new Message(1, 1, "edited", micros(T0), micros(T1)));
        assertThat(store.chat("tok", 1).orElseThrow().messagesCount()).isEqualTo(2);
    }

    @Test
    void skipsWritesForUnknownTokensAndMissingChats() {
        store.createApplication("tok", "app", T0);

        store.apply(List.of(
                new ChatCreated("nope", 1, T0),
                new MessageCreated("nope", 1, 1, "lost", T0, 1),
                new MessageCreated("tok", 3, 1, "no such chat", T0, 1),
                new ChatCreated("tok", 1, T0),
                new MessageCreated("tok", 1, 1, "kept", T0, 1)));

        assertThat(store.application("nope")).isEmpty();
        assertThat(store.chat("tok", 3)).isEmpty();
        assertThat(store.message("tok", 1, 1).orElseThrow().body()).isEqualTo("kept");
        assertThat(store.countChats()).isEqualTo(1);
        assertThat(store.countMessages(Optional.empty())).isEqualTo(1);
    }

    @Test
    void knowsWhichChatsAreStoredAndNeverRemembersAMissingOne() {
        store.createApplication("a", "a", T0);
        chatWithMessages("a", 1, 0);

        assertThat(store.hasChat("a", 1)).isTrue();
        assertThat(store.hasChat("a", 1)).isTrue();
        assertThat(store.hasChat("a", 2)).isFalse();
        assertThat(store.hasChat("nope", 1)).isFalse();
        chatWithMessages("a", 2, 0);
        assertThat(store.hasChat("a", 2)).isTrue();
    }

    @Test
    void keepsCountsExactAcrossBatchesAndApplications() {
        store.createApplication("a", "a", T0);
        store.createApplication("b", "b", T0);
        chatWithMessages("a", 1, 3);
        chatWithMessages("b", 1, 4);
        store.apply(List.of(new ChatCreated("a", 2, T1), new MessageCreated("a", 1, 4, "late", T1, 1)));
        store.apply(List.of());

        assertThat(store.application("a").orElseThrow().chatsCount()).isEqualTo(2);
        assertThat(store.application("b").orElseThrow().chatsCount()).isEqualTo(1);
        assertThat(store.chat("a", 1).orElseThrow().messagesCount()).isEqualTo(4);
        assertThat(store.chat("b", 1).orElseThrow().messagesCount()).isEqualTo(4);
        assertThat(store.countMessages(Optional.of("a"))).isEqualTo(4);
        assertThat(store.countMessages(Optional.of("b"))).isEqualTo(4);
        assertThat(store.countMessages(Optional.of("nope"))).isZero();
        assertThat(store.countMessages(Optional.empty())).isEqualTo(8);
        assertThat(store.countApplications()).isEqualTo(2);
        assertThat(store.countChats()).isEqualTo(3);
    }

    @Test
    void countsGrowByEachParentsOwnRowsInABatchOverMoreParentsThanOneStatementTakes() {
        store.createApplication("a", "a", T0);
        store.createApplication("b", "b", T0);
        chatWithMessages("a", 1, 1);
        int chats = 301; // more than one count statement takes (250), and the second one padded
        List<Write> writes = new ArrayList<>();
        for (int chat = 2; chat <= chats; chat++) {
            writes.add(new ChatCreated("a", chat, T1));
        }
        writes.add(new ChatCreated("b", 1, T1));
        for (int chat = 1; chat <= chats; chat++) {
            for (int n = chat == 1 ? 2 : 1; n <= 1 + chat % 3; n++) {
                writes.add(new MessageCreated("a", chat, n, "m", T1, 1));
            }
        }
        store.apply(writes);

        assertThat(store.application("a").orElseThrow().chatsCount()).isEqualTo(chats);
        assertThat(store.application("b").orElseThrow().chatsCount()).isEqualTo(1);
        for (int chat = 1; chat <= chats; chat++) {
            assertThat(store.chat("a", chat).orElseThrow().messagesCount())
                    .as("chat %d", chat)
                    .isEqualTo(1 + chat % 3);
        }
    }

    /** The reconciler checks a range of ids per transaction: counts past the first range are corrected too. */
    @Test
    void reconcileCorrectsCountsBeyondItsFirstRangeOfIds() {
        store.createApplication("a", "a", T0);
        List<Write> writes = new ArrayList<>();
        for (long chat = 1; chat <= 10_001; chat++) {
            writes.add(new ChatCreated("a", chat, T0));
        }
        writes.add(new MessageCreated("a", 10_001, 1, "last", T0, 1));
        store.apply(writes);
        corruptCount("a", 10_001, 9);
        corruptCount("a", 1, 4);

        assertThat(reconciler().reconcile().corrections())
                .containsExactly(new Correction("a", 1, 4, 0), new Correction("a", 10_001, 9, 1));
        assertThat(store.chat("a", 10_001).orElseThrow().messagesCount()).isEqualTo(1);
    }

    /**
     * Each range is a transaction of its own: when a later one fails, the corrections committed before it are
     * reported with the failure, not lost with it.
     */
    @Test
    void aReconcileFailingPartWayReportsTheCorrectionsItCommitted() {
        store.createApplication("a", "a", T0);
        chatWithMessages("a", 1, 2);
        corruptCount("a", 0, 5); // fixed by the applications pass, which runs first
        corruptCount("a", 1, 7);
        execute("ALTER TABLE messages RENAME TO messages_away"); // the chats pass counts messages: it fails
        try {
            assertThatThrownBy(() -> reconciler().reconcile())
                    .isInstanceOfSatisfying(ReconcileFailedException.class, e -> {
                        assertThat(e.committed().corrections()).containsExactly(new Correction("a", 0, 5, 1));
                        assertThat(e.code()).isEqualTo(ChatException.Code.BACKEND_UNAVAILABLE);
                        assertThat(e).hasMessageStartingWith("reconciling the counts failed after correcting 1: ");
                    });
        } finally {
            execute("ALTER TABLE messages_away RENAME TO messages");
        }
        assertThat(store.application("a").orElseThrow().chatsCount()).isEqualTo(1);
        assertThat(reconciler().reconcile().corrections()).containsExactly(new Correction("a", 1, 7, 2));
    }

    @Test
    void aReconcileFailingBeforeAnyCorrectionThrowsTheFailureItself() {
        store.createApplication("a", "a", T0);
        chatWithMessages("a", 1, 2);
        corruptCount("a", 1, 7);
        execute("ALTER TABLE messages RENAME TO messages_away");
        try {
            assertThatThrownBy(() -> reconciler().reconcile())
                    .isInstanceOf(BackendUnavailableException.class)
                    .isNotInstanceOf(ReconcileFailedException.class);
        } finally {
            execute("ALTER TABLE messages_away RENAME TO messages");
        }
    }

    @Test
    void reconcileCorrectsCorruptedCounts() {
        store.createApplication("a", "a", T0);
        store.createApplication("b", "b", T0);
        chatWithMessages("a", 1, 3);
        chatWithMessages("a", 2, 1);
        chatWithMessages("b", 1, 2);
        corruptCount("a", 0, 7);
        corruptCount("a", 2, 0);
        corruptCount("b", 1, 5);

        List<Correction> corrections = reconciler().reconcile().corrections();

        assertThat(corrections)
                .containsExactlyInAnyOrder(
                        new Correction("a", 0, 7, 2), new Correction("a", 2, 0, 1), new Correction("b", 1, 5, 2));
        assertThat(store.application("a").orElseThrow().chatsCount()).isEqualTo(2);
        assertThat(store.chat("a", 2).orElseThrow().messagesCount()).isEqualTo(1);
        assertThat(store.chat("b", 1).orElseThrow().messagesCount()).isEqualTo(2);
        assertThat(reconciler().reconcile().corrections()).isEmpty();
    }

    @Test
    void pagesMessagesForIndexingWithAndWithoutAToken() {
        store.createApplication("a", "a", T0);
        store.createApplication("b", "b", T0);
        chatWithMessages("a", 1, 2);
        chatWithMessages("b", 1, 2);
        chatWithMessages("a", 2, 1);

        assertThat(drain(Optional.empty()))
                .containsExactly(
                        new IndexedMessage("a", 1, 1, "message 1", 1),
                        new IndexedMessage("a", 1, 2, "message 2", 2),
                        new IndexedMessage("b", 1, 1, "message 1", 1),
                        new IndexedMessage("b", 1, 2, "message 2", 2),
                        new IndexedMessage("a", 2, 1, "message 1", 1));
        assertThat(drain(Optional.of("a")))
                .containsExactly(
                        new IndexedMessage("a", 1, 1, "message 1", 1),
                        new IndexedMessage("a", 1, 2, "message 2", 2),
                        new IndexedMessage("a", 2, 1, "message 1", 1));
        assertThat(drain(Optional.of("nope"))).isEmpty();
    }

    @Test
    void indexBatchesOfLongBodiesStopAtAboutTwoMillionCharactersAndTheNextGoesOn() {
        String body = "x".repeat(60_000);
        for (String token : List.of("a", "b")) {
            store.createApplication(token, "app", T0);
            List<Write> writes = new ArrayList<>(List.of(new ChatCreated(token, 1, T0)));
            for (long number = 1; number <= 40; number++) {
                writes.add(new MessageCreated(token, 1, number, body, T0, number));
            }
            store.apply(writes);
        }

        MessageBatch first = store.messagesForIndex(Optional.empty(), 0, 1_000);
        // 2 Mi characters hold 34 bodies of 60,000 and the one that crosses it is left for the next batch.
        assertThat(first.messages()).hasSizeBetween(30, 36);
        assertThat(drain(Optional.empty(), 1_000))
                .extracting(message -> message.token() + "/" + message.messageNumber())
                .hasSize(80)
                .doesNotHaveDuplicates();
        assertThat(drain(Optional.of("b"), 1_000))
                .extracting(IndexedMessage::messageNumber)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 40).boxed().toList());
    }

    private List<IndexedMessage> drain(Optional<String> token) {
        return drain(token, 2);
    }

    private List<IndexedMessage> drain(Optional<String> token, int limit) {
        List<IndexedMessage> all = new ArrayList<>();
        long cursor = 0;
        while (true) {
            MessageBatch batch = store.messagesForIndex(token, cursor, limit);
            if (batch.messages().isEmpty()) {
                assertThat(batch.nextCursor()).isEqualTo(cursor);
                return all;
            }
            assertThat(batch.messages()).hasSizeLessThanOrEqualTo(limit);
            assertThat(batch.nextCursor()).isGreaterThan(cursor);
            all.addAll(batch.messages());
            cursor = batch.nextCursor();
        }
    }

    @Test
    void roundTripsTheLargestBodyOfMultiByteCharacters() {
        String body = "😀".repeat(16_383) + "é" + "a"; // 65,532 + 2 + 1 bytes
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(65_535);
        store.createApplication("tok", "app", T0);

        store.apply(List.of(new ChatCreated("tok", 1, T0), new MessageCreated("tok", 1, 1, body, T0, 1)));

        assertThat(store.message("tok", 1, 1).orElseThrow().body()).isEqualTo(body);
        assertThat(store.messagesForIndex(Optional.empty(), 0, 10).messages())
                .extracting(IndexedMessage::body)
                .containsExactly(body);
    }

    @Test
    void reportsHealth() {
        assertThat(store.health().up()).isTrue();
        assertThat(store.health().name()).isEqualTo("store");
    }
}
