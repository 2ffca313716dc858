/**
 * The production numbering and write queue on Redis: one atomic script per create assigns the number and appends the
 * write to a shard stream; workers drain the streams into the store and the search index.
 */
package dev.chatsystem.core.redis;
