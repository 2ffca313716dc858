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
 * acknowledged with 201 (as {@code chat/number}) and every other answer.
 */
final class Load implements AutoCloseable {
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    private Load() {}

    /** Starts {@code threads} clients of {@code api} posting "{@code word} …" into chats 1..{@code chats}. */
    static Load start(Api api, String token, int chats, int threads, String word, Duration pace) {
        Load load = new Load();
        for (int t = 0; t < threads; t++) {
            load.threads.add(
                    Thread.ofPlatform().name("load-" + t).start(() -> load.run(api, token, chats, word, pace)));
        }
        return load;
    }

    /** Stops posting and waits for requests in flight, so the acknowledged set is final. */
    Load stop() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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

    List<String> failures() {
        return List.copyOf(failures);
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
            long chat = ThreadLocalRandom.current().nextLong(1, chats + 1);
            String body = word + " " + Thread.currentThread().getName() + "-" + sent++;
            Api.Reply reply = api.createMessage(token, chat, body);
            if (reply.status() == 201) {
                acks.add(new Ack(chat + "/" + reply.number("message_number"), body, System.nanoTime()));
                if (!acknowledged.add(chat + "/" + reply.number("message_number"))) {
                    failures.add("number given twice: " + chat + "/" + reply.number("message_number"));
                }
            } else {
                failures.add(reply.status() + " " + reply.text());
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
}
