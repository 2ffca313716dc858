package dev.chatsystem.core.redis;

import dev.chatsystem.core.BackendUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Runs the scripts of many concurrent requests in shared pipelines: a caller queues its call and waits; a sender
 * thread takes everything queued at that moment, sends it as one pipeline on one connection and hands every caller
 * its own reply (Lettuce calls this auto-pipelining; Jedis has none).
 *
 * <p>Why: with one round trip per request, each create costs Redis a read and a write system call and an event-loop
 * turn of its own, about as much as the script itself; in a pipeline of N those are shared by N (side by side with
 * {@code redis-benchmark}: 21 µs of Redis CPU per create script alone, 8 µs in pipelines of 16), and the request
 * threads no longer borrow a pooled connection and block on its socket each.
 *
 * <p>Semantics are those of a single call: scripts are atomic and independent, and concurrent callers have no order
 * among themselves; one caller's calls stay in its own order because it waits for each reply. A failed pipeline fails
 * every call in it with the client's exception (as a failed single call would: the script may or may not have run,
 * which the Idempotency-Key retry covers). The queue is bounded: a caller that cannot queue within the pool's wait
 * gets {@link BackendUnavailableException}, never unbounded memory.
 */
final class ScriptPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScriptPipeline.class);
    private static final int MAX_PIPELINE = 256;
    private static final int CAPACITY = 16_384;
    private static final Duration QUEUE_WAIT = Duration.ofSeconds(2);
    private static final Call STOP = new Call(null, List.of(), List.of());

    private final UnifiedJedis redis;
    private final Duration replyWait;
    private final BlockingQueue<Call> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final List<Thread> senders = new ArrayList<>();
    private volatile boolean accepting = true;
    private volatile boolean stopped;

    /**
     * Starts {@code senders} threads sending over {@code redis}; a caller waits at most {@code replyWait} for its
     * reply (longer than the client's socket timeout, so a dead connection fails the call first).
     */
    ScriptPipeline(UnifiedJedis redis, int senders, Duration replyWait) {
        this.redis = redis;
        this.replyWait = replyWait;
        for (int i = 0; i < senders; i++) {
            Thread sender = Thread.ofPlatform()
                    .name("chat-redis-pipeline-" + i)
                    .daemon()
                    .unstarted(this::send);
            this.senders.add(sender);
            sender.start();
        }
    }

    /**
     * Runs {@code script} as {@link Script#run} would, in the next pipeline; rethrows the client's {@link
     * JedisException} as is, so that callers translate failures as they do for direct calls.
     */
    Object run(Script script, List<String> keys, List<String> args) {
        Call call = new Call(script, keys, args);
        try {
            if (!accepting || !queue.offer(call, QUEUE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw accepting
                        ? new BackendUnavailableException("Redis: too many commands waiting; retry later")
                        : closed();
            }
            if (stopped && queue.remove(call)) { // queued after close() failed what the senders left
                throw closed();
            }
            return call.reply.get(replyWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted while waiting for Redis", e);
        } catch (TimeoutException e) {
            throw new BackendUnavailableException("Redis did not answer within " + replyWait.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new BackendUnavailableException("Redis: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Refuses new calls, lets the senders answer every call queued before, then stops them; a call that slipped in
     * behind the stop is refused, never left waiting.
     */
    @Override
    public void close() {
        if (!accepting) {
            return;
        }
        accepting = false;
        for (int i = 0; i < senders.size(); i++) {
            queue.add(STOP); // behind every call queued so far
        }
        for (Thread sender : senders) {
            try {
                sender.join(replyWait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stopped = true;
        List<Call> left = new ArrayList<>();
        queue.drainTo(left);
        left.stream().filter(call -> call != STOP).forEach(call -> call.reply.completeExceptionally(closed()));
    }

    private static BackendUnavailableException closed() {
        return new BackendUnavailableException("the Redis client is closed");
    }

    private void send() {
        List<Call> batch = new ArrayList<>(MAX_PIPELINE);
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only close() stops a sender: queued callers must be answered
            }
            queue.drainTo(batch, MAX_PIPELINE - 1);
            int stop = batch.indexOf(STOP);
            if (stop >= 0) {
                queue.addAll(batch.subList(stop + 1, batch.size())); // other senders' STOPs, callers refused after
                batch.subList(stop, batch.size()).clear();
            }
            if (!batch.isEmpty()) {
                sendPipeline(batch);
            }
            batch.clear();
            if (stop >= 0) {
                return;
            }
        }
    }

    private void sendPipeline(List<Call> batch) {
        List<Response<Object>> responses = new ArrayList<>(batch.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (Call call : batch) {
                responses.add(pipeline.evalsha(call.script.sha(), call.keys, call.args));
            }
            pipeline.sync();
        } catch (RuntimeException e) {
            log.debug("pipeline of {} failed: {}", batch.size(), e.toString());
            batch.forEach(call -> call.reply.completeExceptionally(e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            Call call = batch.get(i);
            try {
                call.reply.complete(responses.get(i).get());
            } catch (JedisNoScriptException e) {
                // The server lost its script cache (restart, SCRIPT FLUSH): send the source once, outside the batch.
                complete(call);
            } catch (RuntimeException e) {
                call.reply.completeExceptionally(e);
            }
        }
    }

    private void complete(Call call) {
        try {
            call.reply.complete(call.script.run(redis, call.keys, call.args));
        } catch (RuntimeException e) {
            call.reply.completeExceptionally(e);
        }
    }

    private record Call(Script script, List<String> keys, List<String> args, CompletableFuture<Object> reply) {
        Call(Script script, List<String> keys, List<String> args) {
            this(script, keys, args, new CompletableFuture<>());
        }
    }
}
