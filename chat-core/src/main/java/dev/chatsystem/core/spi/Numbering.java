package dev.chatsystem.core.spi;

/**
 * The port that knows the last number handed out per application (chats) and per chat (messages).
 *
 * <p>Numbers are gap-free, so a chat or message exists exactly when its number is between 1 and the last one: the
 * core uses that to answer existence without waiting for the store. Thread-safe.
 */
public interface Numbering {

    /**
     * The last chat number assigned in the application, 0 when none, or -1 when the application does not exist.
     * Answers without the store for every application the numbering knows, so creates stay off the store.
     */
    long lastChatNumber(String token);

    /**
     * The last chat numbers of several applications, for listings that otherwise show the stored counts: only those
     * this numbering knows at once, in one round trip; none where {@link #lastChatNumber} would read the store or wait
     * (a counter lost with Redis' data), and none at all when the numbering cannot be reached. The default asks
     * {@link #lastChatNumber}, for numbering that is always at hand.
     */
    default java.util.Map<String, Long> knownLastChatNumbers(java.util.Collection<String> tokens) {
        java.util.Map<String, Long> known = new java.util.HashMap<>();
        tokens.forEach(token -> known.put(token, lastChatNumber(token)));
        return known;
    }

    /** Whether the chat exists (its number was handed out). The default compares with {@link #lastChatNumber}. */
    default boolean hasChat(String token, long chatNumber) {
        return chatNumber >= 1 && chatNumber <= lastChatNumber(token);
    }

    /**
     * Tells the numbering about a new application, so its first chat never needs the store. Called once the application
     * is stored, so it must not throw: a numbering that cannot take it now must find the application in the store later.
     */
    void applicationCreated(String token);

    /** The last message number assigned in the chat, 0 when none. */
    long lastMessageNumber(String token, long chatNumber);

    /**
     * Whether the message exists (its number was handed out in the chat). The default compares with {@link
     * #lastMessageNumber}.
     */
    default boolean hasMessage(String token, long chatNumber, long messageNumber) {
        return messageNumber >= 1 && messageNumber <= lastMessageNumber(token, chatNumber);
    }

    /**
     * The last message numbers of several chats, for the counters this numbering keeps; chats it has no counter for
     * are left out (their stored count is then the best answer).
     */
    java.util.Map<Long, Long> lastMessageNumbers(String token, java.util.Collection<Long> chatNumbers);

    /**
     * Raises every counter this numbering keeps to at least the store's maximum, never lowering one (numbers already
     * handed out may not be persisted yet). Returns how many counters were raised. Numbering that reads the store
     * directly keeps no counters and returns 0.
     */
    long reseed(ChatStore store);
}
