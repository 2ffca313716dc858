package dev.chatsystem.http.stack;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Malformed and random HTTP/1.1 requests over raw sockets, one connection each: random methods, paths, headers
 * and bodies, a few huge and a few sent slowly. Counts the status classes of the answers. Each request is sent
 * whole, then the connection half-closed, so the server always reaches its end: every one must get a status line,
 * except that one whose body is framed past what was sent (a declared length longer than the body, or chunked
 * framing around a body that is not chunked) may instead be closed with no answer at all, as an unreadable request.
 * Anything else (no status line, a reset, a read timed out, the request's task failing) is {@link #unanswered}.
 */
final class Fuzzer {
    private static final String[] METHODS = {
        "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO", "get", "P\tST", "GET\u0000"
    };
    private static final String[] CONTENT_TYPES = {
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin-1",
        "",
        "\u00ff\u00fe"
    };

    private final URI base;
    private final String token;
    private final AtomicInteger[] classes = new AtomicInteger[6];
    private final AtomicInteger closedUnreadable = new AtomicInteger();
    private final AtomicInteger noAnswer = new AtomicInteger();
    final AtomicInteger serverErrors = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> examples = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> noAnswerExamples = new ConcurrentLinkedQueue<>();

    Fuzzer(URI base, String token) {
        this.base = base;
        this.token = token;
        for (int i = 0; i < classes.length; i++) {
            classes[i] = new AtomicInteger();
        }
    }

    void run(int requests) throws InterruptedException {
        Semaphore slots = new Semaphore(32);
        List<Future<?>> sent = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < requests; i++) {
                int seed = i;
                slots.acquire();
                sent.add(executor.submit(() -> {
                    try {
                        one(new Random(seed), seed);
                    } finally {
                        slots.release();
                    }
                }));
            }
        }
        for (Future<?> request : sent) {
            try {
                request.get();
            } catch (ExecutionException e) { // thrown before its answer was counted
                unanswered("the request's task failed: " + abbreviate(String.valueOf(e.getCause())));
            }
        }
        int counted =
                Arrays.stream(classes).mapToInt(AtomicInteger::get).sum() + closedUnreadable.get() + noAnswer.get();
        if (counted != requests) {
            throw new IllegalStateException(counted + " outcomes counted for " + requests + " requests");
        }
    }

    /** Requests that got neither a status line nor, where their framing allows it, a clean close. */
    int unanswered() {
        return noAnswer.get();
    }

    String summary() {
        return String.format(
                "2xx %d, 3xx %d, 4xx %d, 5xx %d, closed unanswered (body framed past its end) %d, no status line %d%s%s",
                classes[2].get(),
                classes[3].get(),
                classes[4].get(),
                classes[5].get(),
                closedUnreadable.get(),
                noAnswer.get(),
                examples.isEmpty() ? "" : "; 5xx examples: " + String.join(" / ", examples),
                noAnswerExamples.isEmpty() ? "" : "; no status line: " + String.join(" / ", noAnswerExamples));
    }

    private void one(Random random, int index) {
        boolean huge = index % 2_000 == 7;
        boolean hugeHeader = index % 2_000 == 11;
        boolean slow = index % 2_000 == 13;
        String method = METHODS[random.nextInt(METHODS.length)];
        String path = path(random);
        byte[] body = huge ? bigBody(random) : body(random);
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        if (random.nextInt(20) != 0) {
            head.append("Host: 127.0.0.1:").append(base.getPort()).append("\r\n");
        }
        if (random.nextInt(4) != 0) {
            head.append("Content-Type: ")
                    .append(CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)])
                    .append("\r\n");
        }
        boolean framedPastTheEnd = false;
        switch (random.nextInt(8)) {
            case 0 -> {
                int missing = random.nextInt(50);
                framedPastTheEnd = missing > 0;
                head.append("Content-Length: ").append(body.length + missing).append("\r\n");
            }
            case 1 -> head.append("Content-Length: abc\r\n");
            case 2 -> {
                framedPastTheEnd = true; // the body is not chunked: a chunk it seems to declare may run past the end
                head.append("Transfer-Encoding: chunked\r\n");
            }
            case 3 -> {} // no length: the body is unframed garbage
            default -> head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        if (random.nextInt(5) == 0) {
            head.append("Idempotency-Key: ")
                    .append(junk(random, random.nextInt(300)))
                    .append("\r\n");
        }
        if (random.nextInt(10) == 0) {
            head.append(junk(random, 20)).append("\r\n"); // a header line without a colon, or worse
        }
        if (random.nextInt(10) == 0) {
            head.append("Accept: ").append(junk(random, 30)).append("\r\n");
        }
        if (hugeHeader) {
            head.append("X-Huge: ").append("h".repeat(200_000)).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                if (slow) {
                    byte[] all = concat(headBytes, body);
                    int step = Math.max(1, all.length / 10);
                    for (int i = 0; i < all.length; i += step) {
                        out.write(all, i, Math.min(step, all.length - i));
                        out.flush();
                        Thread.sleep(300);
                    }
                } else {
                    out.write(headBytes);
                    out.write(body);
                }
                out.flush();
                socket.shutdownOutput();
            } catch (IOException e) {
                // the server may answer (413, 431) and close before the whole request is sent
            }
            count(Http.statusOf(socket.getInputStream()), framedPastTheEnd, request(index, method, path));
        } catch (IOException e) {
            unanswered(abbreviate(e.toString()) + " for " + request(index, method, path));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unanswered("interrupted: " + request(index, method, path));
        }
    }

    private void count(int status, boolean framedPastTheEnd, String request) {
        if (status == Http.CLOSED && framedPastTheEnd) {
            closedUnreadable.incrementAndGet();
            return;
        }
        if (status < 100 || status > 599) {
            unanswered((status == Http.CLOSED ? "closed" : "no status line") + " for " + request);
            return;
        }
        classes[status / 100].incrementAndGet();
        if (status >= 500) {
            serverErrors.incrementAndGet();
            if (examples.size() < 5) {
                examples.add(status + " for " + request);
            }
        }
    }

    private void unanswered(String what) {
        noAnswer.incrementAndGet();
        if (noAnswerExamples.size() < 5) {
            noAnswerExamples.add(what);
        }
    }

    private static String request(int index, String method, String path) {
        return "#" + index + " " + abbreviate(method) + " " + abbreviate(path);
    }

    private String path(Random random) {
        String app = "/api/v1/applications/" + (random.nextInt(4) == 0 ? junk(random, 12) : token);
        String chat = number(random);
        String message = number(random);
        String path = switch (random.nextInt(14)) {
            case 0 -> "/";
            case 1 -> "/health";
            case 2 -> "/metrics";
            case 3 -> "/api/v1/applications";
            case 4 -> app;
            case 5 -> app + "/chats";
            case 6 -> app + "/chats/" + chat;
            case 7 -> app + "/chats/" + chat + "/messages";
            case 8 -> app + "/chats/" + chat + "/messages/" + message;
            case 9 ->
                app + "/chats/" + chat + "/messages/search?query=" + junk(random, random.nextInt(40)) + "&limit="
                        + number(random);
            case 10 -> app + "/chats/" + chat + "/messages?limit=" + number(random) + "&after=" + number(random);
            case 11 -> "/api/v1/../../etc/passwd";
            case 12 -> "/" + "a/".repeat(random.nextInt(5_000));
            default -> "/" + junk(random, random.nextInt(60));
        };
        if (random.nextInt(6) == 0) { // flip one character into anything
            char[] chars = path.toCharArray();
            chars[random.nextInt(chars.length)] = (char) random.nextInt(256);
            path = new String(chars);
        }
        return path;
    }

    private static String number(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> "-1";
            case 1 -> "0";
            case 2 -> "99999999999999999999999";
            case 3 -> "9223372036854775807";
            case 4 -> "1.5";
            case 5 -> "abc";
            case 6 -> "%00";
            case 7 -> "%ZZ";
            default -> Integer.toString(1 + random.nextInt(3));
        };
    }

    private static byte[] body(Random random) {
        String text = switch (random.nextInt(16)) {
            case 0 -> "";
            case 1 -> "{";
            case 2 -> "null";
            case 3 -> "[]";
            case 4 -> "{}";
            case 5 -> "{\"body\":null}";
            case 6 -> "{\"body\":123}";
            case 7 -> "{\"body\":\"\"}";
            case 8 -> "{\"body\":\"\\ud800\"}";
            case 9 -> "{\"name\":{\"a\":[1,2]}}";
            case 10 -> "[".repeat(5_000) + "]".repeat(5_000);
            case 11 -> "{\"body\":1e99999999}";
            case 12 -> "{\"body\":\"x\",\"body\":\"y\",\"extra\":true}";
            case 13 -> "{\"body\":\"" + "é".repeat(random.nextInt(20_000)) + "\"}";
            case 14 -> junk(random, random.nextInt(500));
            default -> "{\"body\":\"" + junk(random, 20).replace("\"", "").replace("\\", "") + "\"}";
        };
        if (random.nextInt(10) == 0) {
            byte[] bytes = new byte[random.nextInt(200)];
            random.nextBytes(bytes);
            return bytes;
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bigBody(Random random) {
        return ("{\"body\":\"" + "b".repeat(8_000_000 + random.nextInt(1_000)) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String junk(Random random, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append((char) (random.nextBoolean() ? 33 + random.nextInt(94) : random.nextInt(0x3000)));
        }
        return text.toString();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static String abbreviate(String text) {
        String clean = text.replaceAll("[^\\x20-\\x7e]", "?").replace("|", "\\|");
        return clean.length() > 60 ? clean.substring(0, 60) + "…" : clean;
    }
}
