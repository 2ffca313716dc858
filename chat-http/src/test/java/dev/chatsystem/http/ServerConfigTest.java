package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerConfigTest {
    @Test
    void defaultsThenEnvironmentThenFlags() {
        ServerConfig defaults = ServerConfig.load(Map.of(), List.of());
        assertThat(defaults.port()).isEqualTo(8080);
        assertThat(defaults.chat().dataDir()).isEqualTo(Path.of("chat-data"));

        Map<String, String> env = Map.of("CHAT_PORT", "9000", "CHAT_DATA_DIR", "/tmp/env-dir", "PATH", "/bin");
        ServerConfig fromEnv = ServerConfig.load(env, List.of());
        assertThat(fromEnv.port()).isEqualTo(9000);
        assertThat(fromEnv.chat().dataDir()).isEqualTo(Path.of("/tmp/env-dir"));

        ServerConfig fromFlags = ServerConfig.load(env, List.of("--port", "0", "--data-dir=/tmp/flag-dir"));
        assertThat(fromFlags.port()).isZero();
        assertThat(fromFlags.chat().dataDir()).isEqualTo(Path.of("/tmp/flag-dir"));
    }

    @Test
    void rejectsUnknownChatEnvironmentVariablesByName() {
        assertThatThrownBy(() -> ServerConfig.load(Map.of("CHAT_PROT", "1", "CHAT_PORT", "1"), List.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CHAT_PROT");
    }

    /** What Kubernetes sets in every pod for a Service named "chat": not configuration, and no reason to refuse. */
    @Test
    void ignoresTheVariablesOfAServiceNamedChat() {
        Map<String, String> env = Map.of(
                "CHAT_SERVICE_HOST", "10.0.0.7",
                "CHAT_SERVICE_PORT", "8080",
                "CHAT_SERVICE_PORT_HTTP", "8080",
                "CHAT_PORT", "tcp://10.0.0.7:8080",
                "CHAT_PORT_8080_TCP", "tcp://10.0.0.7:8080",
                "CHAT_PORT_8080_TCP_PROTO", "tcp",
                "CHAT_PORT_8080_TCP_PORT", "8080",
                "CHAT_PORT_8080_TCP_ADDR", "10.0.0.7",
                "CHAT_NAME", "/web/chat",
                "CHAT_ENV_LANG", "C.UTF-8");

        assertThat(ServerConfig.load(env, List.of()).port()).isEqualTo(8080);
        assertThatThrownBy(() -> ServerConfig.load(Map.of("CHAT_SERVICE_HOSTS", "x"), List.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CHAT_SERVICE_HOSTS");
        assertThatThrownBy(() -> ServerConfig.load(Map.of("CHAT_PORT", "http://10.0.0.7:8080"), List.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CHAT_PORT");
    }

    /** Kubernetes sets them for every Service of the namespace: "chat-api" and "chat-worker" are likely names. */
    @Test
    void ignoresTheVariablesOfServicesNamedAfterTheRoles() {
        Map<String, String> env = new java.util.HashMap<>();
        for (String service : List.of("CHAT_API", "CHAT_WORKER", "CHAT_REDIS_0")) {
            env.put(service + "_SERVICE_HOST", "10.0.0.9");
            env.put(service + "_SERVICE_PORT", "8080");
            env.put(service + "_SERVICE_PORT_HTTP", "8080");
            env.put(service + "_PORT", "tcp://10.0.0.9:8080");
            env.put(service + "_PORT_8080_TCP", "tcp://10.0.0.9:8080");
            env.put(service + "_PORT_8080_TCP_PROTO", "tcp");
            env.put(service + "_PORT_8080_TCP_PORT", "8080");
            env.put(service + "_PORT_8080_TCP_ADDR", "10.0.0.9");
        }
        env.put("CHAT_DB_NAME", "/web/chat_db"); // a Docker link to the alias chat_db
        env.put("CHAT_DB_ENV_MYSQL_DATABASE", "chat");

        assertThat(ServerConfig.load(env, List.of()).port()).isEqualTo(8080);
        for (Map.Entry<String, String> misspelt : Map.of(
                        "CHAT_API_PORT", "8081",
                        "CHAT_DB_NAME", "chat",
                        "CHAT_API_SERVICE_HOSTS", "10.0.0.9",
                        "CHAT_REDIS_PORT", "http://10.0.0.9:6379")
                .entrySet()) {
            assertThatThrownBy(() -> ServerConfig.load(Map.of(misspelt.getKey(), misspelt.getValue()), List.of()))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("unknown environment variable " + misspelt.getKey());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "65536", "abc", "", "99999999999", "80.5"})
    void rejectsBadPortsNamingTheKey(String port) {
        assertThatThrownBy(() -> ServerConfig.load(Map.of(), List.of("--port", port)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--port");
        if (!port.isEmpty()) {
            assertThatThrownBy(() -> ServerConfig.load(Map.of("CHAT_PORT", port), List.of()))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("CHAT_PORT");
        }
    }

    @Test
    void rejectsUnknownAndIncompleteFlags() {
        assertThatThrownBy(() -> ServerConfig.load(Map.of(), List.of("--prot", "1")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--prot");
        assertThatThrownBy(() -> ServerConfig.load(Map.of(), List.of("--port")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--port");
        assertThatThrownBy(() -> ServerConfig.load(Map.of(), List.of("--data-dir")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--data-dir");
    }

    /** Loading the configuration finds it, so the server exits 2 with one line as for any other bad setting. */
    @Test
    void aDataDirThatARegularFileStandsInTheWayOfIsAConfigurationError(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("afile"), "not a directory");

        assertThatThrownBy(() -> ServerConfig.load(Map.of("CHAT_DATA_DIR", file.toString()), List.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("data dir " + file.toAbsolutePath() + " is not a directory; check CHAT_DATA_DIR or"
                        + " --data-dir");
        assertThatThrownBy(() -> ServerConfig.load(
                        Map.of(), List.of("--data-dir", file.resolve("data").toString())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot be created: " + file.toAbsolutePath() + " is a file, not a directory");
        assertThat(ServerConfig.load(
                                Map.of(),
                                List.of("--data-dir", dir.resolve("new/data").toString()))
                        .chat()
                        .dataDir())
                .isEqualTo(dir.resolve("new/data"));
        assertThat(dir.resolve("new")).doesNotExist(); // loading creates nothing
    }

    @Test
    void validatesThePortOfTheRecord() {
        assertThatThrownBy(() -> new ServerConfig(
                        70_000, ServerConfig.load(Map.of(), List.of()).chat()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("port");
    }

    /** As chat-cli refuses it: the server would run on the production backends, not on the data dir asked for. */
    @Test
    void theDataDirFlagIsRefusedWhenTheEnvironmentNamesTheProductionBackends() {
        Map<String, String> stack = Map.of(
                "CHAT_DB_URL", "jdbc:mysql://db:3306/chat",
                "CHAT_REDIS_URL", "redis://redis:6379",
                "CHAT_ELASTICSEARCH_URL", "http://es:9200");
        assertThatThrownBy(() -> ServerConfig.load(stack, List.of("--data-dir", "./x")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("--data-dir selects the embedded backends, but CHAT_DB_URL selects the production ones;"
                        + " unset the CHAT_* backend variables to use a data dir");
        // The variable alone is not: the Docker image sets it for every form.
        Map<String, String> image = new java.util.HashMap<>(stack);
        image.put("CHAT_DATA_DIR", "/data");
        assertThat(ServerConfig.load(image, List.of()).chat().production()).isTrue();
        assertThat(ServerConfig.load(Map.of(), List.of("--data-dir", "./x"))
                        .chat()
                        .production())
                .isFalse();
    }

    @org.junit.jupiter.api.Test
    void theRoleFlagNeedsTheProductionBackends() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ServerConfig.load(java.util.Map.of(), java.util.List.of("--role", "worker")))
                .isInstanceOf(dev.chatsystem.core.ConfigurationException.class)
                .hasMessageContaining("needs the production backends");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ServerConfig.load(java.util.Map.of(), java.util.List.of("--role=boss")))
                .hasMessageContaining("--role must be api, worker or all");
        java.util.Map<String, String> stack = java.util.Map.of(
                "CHAT_DB_URL", "jdbc:mysql://db:3306/chat",
                "CHAT_REDIS_URL", "redis://redis:6379",
                "CHAT_ELASTICSEARCH_URL", "http://es:9200");
        org.assertj.core.api.Assertions.assertThat(ServerConfig.load(stack, java.util.List.of("--role", "api"))
                        .chat()
                        .role())
                .isEqualTo(dev.chatsystem.core.Role.API);
    }

    @Test
    void readsTheMetricsTokenAndNeverPrintsIt() {
        String token = "a-scrape-secret-0123";

        ServerConfig config = ServerConfig.load(Map.of("CHAT_METRICS_TOKEN", token), List.of());

        assertThat(config.metricsToken()).contains(token);
        assertThat(config.toString()).doesNotContain(token).contains("metricsToken=(set)");
        assertThat(ServerConfig.load(Map.of("CHAT_METRICS_TOKEN", ""), List.of())
                        .metricsToken())
                .isEmpty();
        assertThat(ServerConfig.load(Map.of(), List.of()).metricsToken()).isEmpty();
    }

    @Test
    void refusesAMetricsTokenTooShortOrThatNoHeaderCanCarryWithoutShowingIt() {
        assertThatThrownBy(() -> ServerConfig.load(Map.of("CHAT_METRICS_TOKEN", "fifteen-chars15"), List.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CHAT_METRICS_TOKEN must be 16 to 1024 characters long, was 15")
                .hasMessageNotContaining("fifteen-chars15");
        assertThatThrownBy(() -> ServerConfig.load(Map.of("CHAT_METRICS_TOKEN", "sixteen chars, a space"), List.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CHAT_METRICS_TOKEN may hold visible ASCII characters only")
                .hasMessageNotContaining("sixteen");
        assertThatThrownBy(() -> ServerConfig.load(Map.of("CHAT_METRICS_TOKEN", "sixteen-chars-é-é"), List.of()))
                .hasMessageContaining("character 15 is not");
    }
}
