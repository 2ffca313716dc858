package dev.chatsystem.http.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Client threads posting messages into the chats of one application until stopped, remembering every message
 * acknowledged with 201 (as {@code chat/number}) and every other answer.
 */
final class Load implements AutoCloseable {
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
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

    Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() {
        stop();
    }

    private void run(Api api, String token, int chats, String word, Duration pace) {
        int sent = 0;
        while (running.get()) {
            long chat = ThreadLocalRandom.current().nextLong(1, chats + 1);
            Api.Reply reply = api.createMessage(
                    token, chat, word + " " + Thread.currentThread().getName() + "-" + sent++);
            if (reply.status() == 201) {
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
