package dev.chatsystem.core.redis;

import dev.chatsystem.core.BackendUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Runs the Redis commands of many concurrent requests (their scripts, and the hash reads of read-your-writes) in
 * shared pipelines: a caller queues its call and waits; a sender thread takes everything queued at that moment, sends
 * it as one pipeline on one connection and hands every caller its own reply (Lettuce calls this auto-pipelining;
 * Jedis has none).
 *
 * <p>Why: with one round trip per request, each create costs Redis a read and a write system call and an event-loop
 * turn of its own, about as much as the script itself; in a pipeline of N those are shared by N (side by side with
 * {@code redis-benchmark}: 21 µs of Redis CPU per create script alone, 8 µs in pipelines of 16), and the request
 * threads no longer borrow a pooled connection and block on its socket each. That blocking read has a timeout (the
 * socket's), so on a virtual thread it costs a timer too (see below): over a fifth of a stack server's CPU on a {@code
 * GET} of a message went to its one hash read, its timer and the delay scheduler's thread.
 *
 * <p>Semantics are those of a single call: scripts are atomic and independent, and concurrent callers have no order
 * among themselves; one caller's calls stay in its own order because it waits for each reply. A failed pipeline fails
 * every call in it with the client's exception (as a failed single call would: the script may or may not have run,
 * which the Idempotency-Key retry covers). The queue is bounded: a caller that cannot queue within the pool's wait
 * gets {@link BackendUnavailableException}, never unbounded memory.
 *
 * <p>Callers wait without a timeout of their own; a watchdog fails every call not answered within the reply wait
 * instead (checked four times per wait, so a call fails after 1 to 1.25 times it), and senders skip the calls it
 * failed while they were queued (one failed just as it is sent may still run, as with any failed call). A timed wait
 * would cost every create a timer: a virtual thread's timed park schedules and cancels a task on the JDK's delay
 * scheduler, waking its thread twice, which took a tenth of a stack server's CPU.
 */
final class SharedPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SharedPipeline.class);
    private static final int MAX_PIPELINE = 256;
    private static final int CAPACITY = 16_384;
    private static final Duration QUEUE_WAIT = Duration.ofSeconds(2);

    private final UnifiedJedis redis;
    private final Duration replyWait;
    private final BlockingQueue<Call> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final List<Thread> senders = new ArrayList<>();
    /** Per sender, the calls of the pipeline it is sending (never changed once published), or null. */
    private final AtomicReferenceArray<List<Call>> inFlight;

    private final ScheduledExecutorService watchdog;
    private volatile boolean accepting = true;
    private volatile boolean stopped;

    /**
     * Starts {@code senders} threads sending over {@code redis}; a caller waits about {@code replyWait} for its reply
     * at most (longer than the client's socket timeout, so a dead connection fails the call first).
     */
    SharedPipeline(UnifiedJedis redis, int senders, Duration replyWait) {
        this.redis = redis;
        this.replyWait = replyWait;
        this.inFlight = new AtomicReferenceArray<>(senders);
        for (int i = 0; i < senders; i++) {
            int slot = i;
            Thread sender = Thread.ofPlatform()
                    .name("chat-redis-pipeline-" + i)
                    .daemon()
                    .unstarted(() -> send(slot));
            this.senders.add(sender);
            sender.start();
        }
        long every = Math.max(1, replyWait.toMillis() / 4);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("chat-redis-pipeline-watchdog")
                .daemon()
                .factory());
        watchdog.scheduleWithFixedDelay(this::failOverdue, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs {@code script} as {@link Script#run} would, in the next pipeline; rethrows the client's {@link
     * JedisException} as is, so that callers translate failures as they do for direct calls.
     */
    Object run(Script script, List<String> keys, List<String> args) {
        return call(new ScriptCommand(script, keys, args));
    }

    /** {@code HGET}, in the next pipeline. */
    String hget(String key, String field) {
        return (String) call(pipeline -> pipeline.hget(key, field));
    }

    /** {@code HMGET}, in the next pipeline. */
    @SuppressWarnings("unchecked")
    List<String> hmget(String key, String... fields) {
        return (List<String>) call(pipeline -> pipeline.hmget(key, fields));
    }

    private Object call(Command command) {
        Call call = new Call(command);
        try {
            if (!accepting || !queue.offer(call, QUEUE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw accepting
                        ? new BackendUnavailableException("Redis: too many commands waiting; retry later")
                        : closed();
            }
            if (stopped && queue.remove(call)) { // queued after close() drained the queue: nobody would send it
                throw closed();
            }
            return call.reply.get(); // the watchdog bounds the wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted while waiting for Redis", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new BackendUnavailableException("Redis: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Refuses new calls and lets the senders send what is queued (waiting up to the reply wait for each), then fails
     * whatever is left, queued or held by a sender still stuck: no caller is left waiting.
     */
    @Override
    public void close() {
        if (!accepting) {
            return;
        }
        accepting = false; // senders stop once they find the queue empty
        try {
            for (Thread sender : senders) {
                sender.join(replyWait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped = true;
            List<Call> left = new ArrayList<>();
            queue.drainTo(left);
            for (int i = 0; i < inFlight.length(); i++) {
                List<Call> stuck = inFlight.get(i);
                if (stuck != null) {
                    left.addAll(stuck);
                }
            }
            left.forEach(call -> call.reply.completeExceptionally(closed()));
            watchdog.shutdownNow();
        }
    }

    /**
     * Fails the calls queued or in flight for longer than the reply wait. Every queued call is looked at: the queue is
     * not in age order (a call's age counts from before its wait to queue).
     */
    private void failOverdue() {
        try {
            long now = System.nanoTime();
            for (Object call : queue.toArray()) {
                failIfOverdue((Call) call, now);
            }
            for (int i = 0; i < inFlight.length(); i++) {
                List<Call> sending = inFlight.get(i);
                if (sending != null) {
                    sending.forEach(call -> failIfOverdue(call, now));
                }
            }
        } catch (Throwable e) { // anything thrown would cancel the schedule for good: log it and go on
            log.error("checking for unanswered Redis calls failed", e);
        }
    }

    private void failIfOverdue(Call call, long now) {
        if (now - call.queuedNanos >= replyWait.toNanos() && !call.reply.isDone()) {
            call.reply.completeExceptionally(
                    new BackendUnavailableException("Redis did not answer within " + replyWait.toMillis() + " ms"));
        }
    }

    private static BackendUnavailableException closed() {
        return new BackendUnavailableException("the Redis client is closed");
    }

    /** Sends what is queued until close() was called and the queue is empty. */
    private void send(int slot) {
        while (true) {
            Call first;
            try {
                // A platform thread: the timed wait costs no timer task, and it notices close() within 100 ms.
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue; // only close() stops a sender: queued callers must be answered
            }
            if (first == null) {
                if (!accepting) {
                    return;
                }
                continue;
            }
            List<Call> batch = new ArrayList<>(MAX_PIPELINE);
            batch.add(first);
            queue.drainTo(batch, MAX_PIPELINE - 1);
            batch.removeIf(call -> call.reply.isDone()); // failed by the watchdog while queued: not sent late
            if (batch.isEmpty()) {
                continue;
            }
            inFlight.set(slot, batch);
            try {
                sendPipeline(batch);
            } catch (Throwable e) { // an Error (out of memory): answer these callers, keep sending for the others
                log.error("sending a pipeline of {} failed", batch.size(), e);
                BackendUnavailableException failure = new BackendUnavailableException("Redis: " + e, e);
                batch.forEach(call -> call.reply.completeExceptionally(failure));
            } finally {
                inFlight.set(slot, null);
            }
        }
    }

    private void sendPipeline(List<Call> batch) {
        List<Response<?>> responses = new ArrayList<>(batch.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (Call call : batch) {
                responses.add(call.command.queue(pipeline));
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
                // The server lost its script cache (restart, SCRIPT FLUSH): send the source once, outside the batch,
                // unless the watchdog answered the caller meanwhile: the script did not run, and must not run late.
                if (!call.reply.isDone()) {
                    complete(call);
                }
            } catch (RuntimeException e) {
                call.reply.completeExceptionally(e);
            }
        }
    }

    private void complete(Call call) {
        try {
            call.reply.complete(call.command.runAlone(redis));
        } catch (RuntimeException e) {
            call.reply.completeExceptionally(e);
        }
    }

    /** One command of a pipeline. */
    @FunctionalInterface
    private interface Command {
        Response<?> queue(AbstractPipeline pipeline);

        /** Runs it on its own, after the server answered that it no longer had the script cached. */
        default Object runAlone(UnifiedJedis redis) {
            throw new IllegalStateException("only a script can be missing from the server's cache");
        }
    }

    private record ScriptCommand(Script script, List<String> keys, List<String> args) implements Command {
        @Override
        public Response<?> queue(AbstractPipeline pipeline) {
            return pipeline.evalsha(script.sha(), keys, args);
        }

        @Override
        public Object runAlone(UnifiedJedis redis) {
            return script.run(redis, keys, args);
        }
    }

    private record Call(Command command, CompletableFuture<Object> reply, long queuedNanos) {
        Call(Command command) {
            this(command, new CompletableFuture<>(), System.nanoTime());
        }
    }
}
