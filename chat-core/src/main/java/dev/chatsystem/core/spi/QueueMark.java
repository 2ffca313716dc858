package dev.chatsystem.core.spi;

import java.util.List;

/**
 * Where a write path's queue stood at a moment ({@link WritePath#mark}), to wait until every write it had taken by
 * then is stored ({@link WritePath#storedUpTo}): for the distributed form, the id of the last entry of each shard
 * stream, in shard order.
 */
public record QueueMark(List<String> lastIds) {
    /** The mark of a write path that stores every write before it answers: nothing to wait for. */
    public static final QueueMark NONE = new QueueMark(List.of());

    public QueueMark {
        lastIds = List.copyOf(lastIds);
    }
}
