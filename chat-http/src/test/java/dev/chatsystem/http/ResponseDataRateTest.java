package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that reads a large list slower than the minimum rate is cut off, and the room its response held in the
 * budget comes back; one that pauses within the grace period gets the whole list.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResponseDataRateTest {
    private static final int BUDGET_KIB = 10_000;
    private static final int MESSAGES = 100;

    /** 100 bodies of 60,000 characters (6 MB): far more than the socket buffers of a reader that reads little. */
    private final BodyBudget budget = new BodyBudget(BUDGET_KIB, Duration.ofSeconds(1));

    TestServer http;
    String messages;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        http = TestServer.withResponseBudget(dataDir, budget);
        // Between a server and a slow reader over a network, the socket buffers hold kilobytes; over loopback they
        // grow to megabytes, and a trickle would not free enough of them for the server to see any progress.
        for (Connector connector : http.server.jettyServer().server().getConnectors()) {
            ((ServerConnector) connector).setAcceptedSendBufferSize(16_384);
        }
        String token = http.newApplication("slow readers");
        long chat = http.newChat(token);
        for (int i = 0; i < MESSAGES; i++) {
            http.chatSystem.createMessage(
                    token, chat, Character.toString('a' + i % 26).repeat(60_000));
        }
        messages = "/api/v1/applications/" + token + "/chats/" + chat + "/messages?limit=" + MESSAGES;
    }

    @AfterAll
    void stop() {
        http.close();
    }

    @Test
    void readersSlowerThanTheMinimumRateAreCutOffAndGiveTheirRoomBack() throws Exception {
        List<Socket> readers = new ArrayList<>();
        List<Thread> trickles = new ArrayList<>();
        try {
            // Each holds half the budget (no request holds more) while it reads 8 KB every 5 s, 1.6 KB/s: enough to
            // keep the connection from the idle timeout, far from the minimum rate.
            for (int i = 0; i < 2; i++) {
                Socket reader = request(messages);
                readers.add(reader);
                trickles.add(Thread.ofVirtual().start(() -> trickle(reader)));
            }
            awaitAvailable(0, Duration.ofSeconds(10));
            assertThat(http.get(messages).statusCode()).isEqualTo(503);

            // Cut off after the grace period and a write of 32 KB at the rate (some 15 s); at their own rate the
            // readers would hold their room for an hour. The deadline leaves a loaded machine room to be late.
            awaitAvailable(BUDGET_KIB, Duration.ofSeconds(40));
            assertThat(http.get(messages).statusCode()).isEqualTo(200);
        } finally {
            for (Socket reader : readers) {
                reader.close();
            }
            for (Thread trickle : trickles) {
                trickle.join();
            }
        }
    }

    @Test
    void aReaderThatPausesWithinTheGracePeriodGetsTheWholeList() throws Exception {
        try (Socket reader = request(messages)) {
            Thread.sleep(1_000); // the buffers are full and the server's write waits, well within the 5 s grace
            reader.setSoTimeout(10_000);
            byte[] response = reader.getInputStream().readAllBytes();

            String text = new String(response, StandardCharsets.UTF_8);
            assertThat(text).startsWith("HTTP/1.1 200").endsWith("}]"); // the body ends where the connection does
            assertThat(text.split("\"message_number\"", -1)).hasSize(MESSAGES + 1);
        }
        awaitAvailable(BUDGET_KIB, Duration.ofSeconds(10));
    }

    /** A GET of {@code path}, sent, with a receive buffer small enough that the server soon waits for the reader. */
    private Socket request(String path) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(8_192);
        socket.connect(new InetSocketAddress("127.0.0.1", http.uri("/").getPort()));
        socket.getOutputStream()
                .write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
        return socket;
    }

    /** Reads up to 8 KB every 5 s until the response ends, cut or not. */
    private static void trickle(Socket reader) {
        byte[] buffer = new byte[8_192];
        try {
            InputStream in = reader.getInputStream();
            while (in.read(buffer) >= 0) {
                Thread.sleep(5_000);
            }
        } catch (IOException | InterruptedException e) {
            // cut off, or closed by the test
        }
    }

    private void awaitAvailable(int kib, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (budget.availableKib() != kib && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(budget.availableKib()).isEqualTo(kib);
    }
}
