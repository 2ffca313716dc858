package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownTest {
    @Test
    void stopsGracefullyAndThenRefusesConnections(@TempDir Path dataDir) {
        TestServer http = TestServer.start(dataDir);
        try {
            Server jetty = http.server.jettyServer().server();
            assertThat(jetty.getHandler()).isInstanceOf(GracefulHandler.class);
            assertThat(jetty.getStopTimeout()).isEqualTo(ChatServer.STOP_TIMEOUT_MILLIS);
            assertThat(http.get("/health").statusCode()).isEqualTo(200);
        } finally {
            http.close();
        }
        assertThatThrownBy(() -> http.get("/health")).isInstanceOf(UncheckedIOException.class);
    }
}
