package dev.chatsystem.http.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The clients {@link Fuzzer}'s one-shot requests leave out, run at once in about {@link #STALL}: bodies stalled past
 * the server's body grace (5 s at under 4 KiB/s: a 408, or a close), a malformed request followed by a second on the
 * same connection, a body of 8 MB sent chunked (no length to refuse up front: a 413 once past 1 MiB), and
 * {@link #SLOW_CONNECTIONS} connections holding half-sent headers while {@code /health} must go on answering. Each
 * outcome outside those is one of {@link #problems}.
 */
final class SlowClients {
    /** How long the stalled clients wait: past the body grace (5 s), within the idle timeout (30 s). */
    private static final Duration STALL = Duration.ofSeconds(8);

    private static final int STALLED_BODIES = 4;
    private static final int SLOW_CONNECTIONS = 100;
    private static final int HEALTH_CHECKS = 6;
    private static final Duration HEALTH_WITHIN = Duration.ofSeconds(2);
    private static final int HUGE_BYTES = 8 << 20;

    private final URI base;
    private final String messages;
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger slowAnswered = new AtomicInteger();

    SlowClients(URI base, String token) {
        this.base = base;
        this.messages = "/api/v1/applications/" + token + "/chats/1/messages";
    }

    void run() throws InterruptedException {
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < STALLED_BODIES; i++) {
            boolean chunked = i % 2 == 1;
            clients.add(Thread.ofVirtual().start(() -> guarded("stalled body", () -> stalledBody(chunked))));
        }
        clients.add(Thread.ofVirtual().start(() -> guarded("keep-alive pair", this::keepAlivePair)));
        clients.add(Thread.ofVirtual().start(() -> guarded("huge chunked body", this::hugeChunkedBody)));
        clients.add(Thread.ofVirtual().start(() -> guarded("slow headers", this::slowHeaders)));
        for (Thread client : clients) {
            client.join(STALL.multipliedBy(4));
            if (client.isAlive()) {
                problems.add(
                        "a client still running after " + STALL.multipliedBy(4).toSeconds() + " s");
            }
        }
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    String summary() {
        return "slow clients: " + String.join(", ", outcomes) + "; " + slowAnswered + " of " + SLOW_CONNECTIONS
                + " connections with headers held " + STALL.toSeconds() + " s answered 200"
                + (problems.isEmpty() ? "" : "; PROBLEMS: " + String.join(" / ", problems));
    }

    /** Headers and the start of a body, then nothing: the server must give up on it (408) or close, never 5xx. */
    private void stalledBody(boolean chunked) throws IOException {
        try (Socket socket = connect(STALL.multipliedBy(3))) {
            OutputStream out = socket.getOutputStream();
            String framing = chunked ? "Transfer-Encoding: chunked\r\n\r\n14\r\n" : "Content-Length: 1000\r\n\r\n";
            out.write(ascii(head("POST", messages) + "Content-Type: application/json\r\n" + framing
                    + "{\"body\":\"stalled...."));
            out.flush();
            int status = Http.statusOf(socket.getInputStream());
            String outcome = "stalled " + (chunked ? "chunked " : "") + "body: " + Http.shown(status);
            outcomes.add(outcome);
            if (status != 408 && status != Http.CLOSED) {
                problems.add(outcome);
            }
        }
    }

    /**
     * A well-framed request with malformed JSON and, pipelined behind it on the same connection, a {@code GET
     * /health}: the first is a 400, the second answered 200 (or the connection closed after the first), never read
     * as part of the first.
     */
    private void keepAlivePair() throws IOException {
        try (Socket socket = connect(Duration.ofSeconds(10))) {
            String bad =
                    head("POST", messages) + "Content-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"body\":1";
            String health = head("GET", "/health") + "Connection: close\r\n\r\n";
            socket.getOutputStream().write(ascii(bad + health));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            int first = Http.readResponse(in);
            int second = first == Http.CLOSED ? Http.CLOSED : Http.statusOf(in);
            String outcome = "keep-alive pair: " + Http.shown(first) + " then " + Http.shown(second);
            outcomes.add(outcome);
            if (first != 400 || (second != 200 && second != Http.CLOSED)) {
                problems.add(outcome);
            }
        }
    }

    /** 8 MB in chunks of 64 KB, written beside the read, since the server may answer and close long before the end. */
    private void hugeChunkedBody() throws IOException, InterruptedException {
        try (Socket socket = connect(Duration.ofSeconds(30))) {
            OutputStream out = socket.getOutputStream();
            out.write(ascii(
                    head("POST", messages) + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
            byte[] chunk = ascii("10000\r\n" + "b".repeat(0x10000) + "\r\n");
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int sent = 0; sent < HUGE_BYTES; sent += 0x10000) {
                        out.write(chunk);
                    }
                    out.write(ascii("0\r\n\r\n"));
                    out.flush();
                } catch (IOException e) {
                    // answered and closed before the end: expected
                }
            });
            int status = Http.statusOf(socket.getInputStream());
            socket.close(); // ends a writer still blocked on a full socket
            writer.join();
            String outcome = "8 MB chunked body: " + Http.shown(status);
            outcomes.add(outcome);
            if (status != 413) {
                problems.add(outcome);
            }
        }
    }

    /** Connections sending half their headers, held for {@link #STALL} while {@code /health} is asked, then done. */
    private void slowHeaders() throws IOException, InterruptedException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < SLOW_CONNECTIONS; i++) {
                Socket socket = connect(Duration.ofSeconds(10));
                sockets.add(socket);
                socket.getOutputStream().write(ascii("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
                socket.getOutputStream().flush();
            }
            long slowest = 0;
            for (int i = 0; i < HEALTH_CHECKS; i++) {
                Thread.sleep(STALL.dividedBy(HEALTH_CHECKS));
                long started = System.nanoTime();
                int status = health();
                long took = System.nanoTime() - started;
                slowest = Math.max(slowest, took);
                if (status != 200 || took > HEALTH_WITHIN.toNanos()) {
                    problems.add("/health " + Http.shown(status) + " in " + took / 1_000_000 + " ms beside "
                            + SLOW_CONNECTIONS + " slow connections");
                }
            }
            outcomes.add(String.format(
                    Locale.ROOT,
                    "/health beside %d half-sent headers: %d checks, slowest %.0f ms",
                    SLOW_CONNECTIONS,
                    HEALTH_CHECKS,
                    slowest / 1e6));
            for (Socket socket : sockets) {
                socket.getOutputStream().write(ascii("Connection: close\r\n\r\n"));
                socket.getOutputStream().flush();
            }
            for (Socket socket : sockets) {
                int status = Http.statusOf(socket.getInputStream());
                if (status == 200) {
                    slowAnswered.incrementAndGet();
                } else if (status != Http.CLOSED) {
                    problems.add("slow headers: " + Http.shown(status));
                }
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private int health() {
        try (Socket socket = connect(HEALTH_WITHIN.multipliedBy(2))) {
            socket.getOutputStream().write(ascii(head("GET", "/health") + "Connection: close\r\n\r\n"));
            socket.getOutputStream().flush();
            return Http.statusOf(socket.getInputStream());
        } catch (IOException e) {
            return Http.NO_STATUS_LINE;
        }
    }

    private Socket connect(Duration readTimeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            socket.setSoTimeout((int) readTimeout.toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private String head(String method, String path) {
        return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + base.getPort() + "\r\n";
    }

    private void guarded(String client, Client body) {
        try {
            body.run();
        } catch (Exception e) { // a read timing out included: the server held the connection without an answer
            problems.add(client + ": " + e);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private interface Client {
        void run() throws Exception;
    }
}
