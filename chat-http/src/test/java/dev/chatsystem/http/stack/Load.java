package dev.chatsystem.http.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Client threads posting messages into the chats of one application until stopped, remembering every message
 * acknowledged with 201 (as {@code chat/number}), every other answer, and every request that threw ({@link #errors}).
 */
final class Load implements AutoCloseable {
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    private Load() {}

    /** Starts {@code threads} clients of {@code api} posting "{@code word} …" into chats 1..{@code chats}. */
    static Load start(Api api, String token, int chats, int threads, String word, Duration pace) {
        Load load = new Load();
        try {
            for (int t = 0; t < threads; t++) {
                load.threads.add(
                        Thread.ofPlatform().name("load-" + t).start(() -> load.run(api, token, chats, word, pace)));
            }
        } catch (RuntimeException | Error e) { // those started would post on, into whatever runs next
            load.stop();
            throw e;
        }
        return load;
    }

    /**
     * Stops posting and waits, at most 30 s, for requests in flight, so the acknowledged set is final; fails when a
     * thread is still running (a request in flight then could still be acknowledged, unrecorded). Idempotent. An
     * interrupt (a drill's timeout) does not cut the wait short, lest the threads post into the next drill: it is
     * kept for the caller.
     */
    Load stop() {
        running.set(false);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (true) {
                try {
                    thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        List<String> alive =
                threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
        if (!alive.isEmpty()) {
            throw new AssertionError("load threads still running 30 s after the stop: " + alive);
        }
        return this;
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    /** Every 201, in order of arrival, with the body sent: a number given twice appears twice here. */
    List<Ack> acks() {
        return List.copyOf(acks);
    }

    /** Every acknowledged create as {@code chat/number} and the body sent; throws when a number was given twice. */
    Map<String, String> acknowledgedBodies() {
        return acks.stream().collect(Collectors.toMap(Ack::key, Ack::body));
    }

    /** Answers other than 201, and numbers given twice. */
    List<String> failures() {
        return List.copyOf(failures);
    }

    /**
     * Requests that threw, the client's fault or a 201 without a message number: each may be an acknowledged create
     * missing from {@link #acks}, so any one of them makes the ledger incomplete.
     */
    List<String> errors() {
        return List.copyOf(errors);
    }

    @Override
    public void close() {
        stop();
    }

    /** One acknowledged create: its {@code chat/number}, the body sent and when the 201 arrived (nano time). */
    record Ack(String key, String body, long at) {
        long chat() {
            return Long.parseLong(key.substring(0, key.indexOf('/')));
        }

        long number() {
            return Long.parseLong(key.substring(key.indexOf('/') + 1));
        }
    }

    private void run(Api api, String token, int chats, String word, Duration pace) {
        int sent = 0;
        while (running.get()) {
            String request = Thread.currentThread().getName() + "-" + sent++;
            try {
                create(api, token, ThreadLocalRandom.current().nextLong(1, chats + 1), word + " " + request);
            } catch (Throwable e) { // an escaping throwable would end the thread silently, and the load with it
                errors.add(request + ": " + e);
            }
            if (!pace.isZero()) {
                try {
                    Thread.sleep(pace);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void create(Api api, String token, long chat, String body) {
        Api.Reply reply = api.createMessage(token, chat, body);
        if (reply.status() != 201) {
            failures.add(reply.status() + " " + reply.text());
            return;
        }
        if (reply.json() == null || !reply.json().path("message_number").canConvertToLong()) {
            String text = reply.text() == null ? "" : reply.text();
            throw new IllegalStateException(
                    "201 without a message number: " + text.substring(0, Math.min(200, text.length())));
        }
        String key = chat + "/" + reply.number("message_number");
        acks.add(new Ack(key, body, System.nanoTime()));
        if (!acknowledged.add(key)) {
            failures.add("number given twice: " + key);
        }
    }
}
