package dev.chatsystem.core;

/**
 * What one queue shard takes in the queue backend, for monitoring: the distributed form's Redis stream of the shard,
 * as its write path last measured it, and the bound at which the shard refuses writes.
 *
 * @param shard the queue shard
 * @param bytes the shard's stream when last measured
 * @param maxBytes the bound: writes to the shard are refused (503) while it was measured at this or more
 */
public record QueueMemory(int shard, long bytes, long maxBytes) {}
