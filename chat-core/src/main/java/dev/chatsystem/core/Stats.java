package dev.chatsystem.core;

/**
 * Totals across the backends.
 *
 * @param applications applications in the store
 * @param chats chats in the store
 * @param messages messages in the store
 * @param indexedMessages documents in the search index
 * @param pendingWrites accepted writes not yet persisted
 */
public record Stats(long applications, long chats, long messages, long indexedMessages, long pendingWrites) {}
