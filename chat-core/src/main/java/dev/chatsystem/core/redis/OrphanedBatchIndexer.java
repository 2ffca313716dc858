package dev.chatsystem.core.redis;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Indexes a persist batch that its acknowledgement found no longer pending. Redis may have lost the queue, with the
 * batch's index entries, while the batch was being stored, and the catch-up pass the loss set off may have read where
 * the store ends before the batch committed. Its worker may never read the shard again (a successor took the lease
 * and found the loss), so only the acknowledgement can tell it.
 *
 * <p>It indexes the batch's writes as the index group would have, at their versions, so a newer edit is never
 * reverted; when no queue was lost (a successor handled the batch too) they are indexed twice, which is harmless. If
 * the index fails, it asks for a catch-up pass, which starts after this commit and retries until it succeeds.
 */
final class OrphanedBatchIndexer implements Consumer<List<StreamEntry>> {
    private static final Logger log = LoggerFactory.getLogger(OrphanedBatchIndexer.class);

    private final ShardDrainer.Handler indexing;
    private final Runnable requestPass;

    OrphanedBatchIndexer(ShardDrainer.Handler indexing, Runnable requestPass) {
        this.indexing = indexing;
        this.requestPass = requestPass;
    }

    /** Never throws: the batch is stored, and its drainer has nothing left to retry. */
    @Override
    public void accept(List<StreamEntry> entries) {
        log.info(
                "a persist batch of {} entries was no longer pending when acknowledged (Redis lost the queue, or"
                        + " another worker took the shard over): indexing it here",
                entries.size());
        try {
            indexing.handle(entries);
        } catch (RuntimeException | Error e) { // an Error too: nothing else would index the batch
            log.warn("indexing a persist batch no longer pending failed, asking for a catch-up pass: {}", e.toString());
            requestPass.run();
        }
    }
}
