package dev.chatsystem.http.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chatsystem.core.elasticsearch.TestIndices;
import dev.chatsystem.core.search.QueryWords;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import dev.chatsystem.core.testing.Services;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.RedisClient;

/**
 * The production backends of one test class: a fresh MySQL database, a Redis database of its own (flushed) and an
 * Elasticsearch index of its own, deleted on close. Answers what the
 * backends hold, behind the servers' backs.
 */
final class StackWorld implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Documents per page of {@link #indexedBodies}: bodies reach 64 KB, so a page stays within some 16 MB. */
    private static final int INDEX_PAGE = 250;

    /** CHAT_SHARDS of every server on this stack. */
    static final int SHARDS = 4;

    final MySqlTestDatabase database;
    final URI redisUrl;
    final URI elasticsearchUrl;
    /** The Elasticsearch index of this class, unique to this run, so test classes and runs never see each other's. */
    final String elasticsearchIndex;

    private StackWorld(MySqlTestDatabase database, URI redisUrl, URI elasticsearchUrl) {
        this.database = database;
        this.redisUrl = redisUrl;
        this.elasticsearchUrl = elasticsearchUrl;
        this.elasticsearchIndex =
                TestIndices.uniqueName("stack-" + redisUrl.getPath().substring(1));
    }

    /** Skips (or fails when {@code CI=true}) unless every service answers. */
    static StackWorld create(int redisDatabase) {
        URI redis = Services.requireRedis().resolve("/" + redisDatabase);
        URI elasticsearch = Services.requireElasticsearch();
        StackWorld world = new StackWorld(MySqlTestDatabase.create(), redis, elasticsearch);
        world.flushRedis();
        return world;
    }

    /** The environment of a server of {@code role} (api, worker or all) on this stack. */
    Map<String, String> environment(String role) {
        return environment(role, database.url, elasticsearchUrl.toString());
    }

    /** The same, with the database and Elasticsearch reached at other addresses (through a {@link TcpProxy}). */
    Map<String, String> environment(String role, String dbUrl, String elasticsearchUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("CHAT_DB_URL", dbUrl);
        env.put("CHAT_DB_USER", MySqlTestDatabase.USER);
        env.put("CHAT_DB_PASSWORD", MySqlTestDatabase.PASSWORD);
        env.put("CHAT_REDIS_URL", redisUrl.toString());
        env.put("CHAT_ELASTICSEARCH_URL", elasticsearchUrl);
        env.put("CHAT_ELASTICSEARCH_INDEX", elasticsearchIndex);
        env.put("CHAT_ROLE", role);
        env.put("CHAT_SHARDS", Integer.toString(SHARDS));
        return env;
    }

    /** The test database server's address, as its JDBC URL ({@code CHATSYSTEM_TEST_DB_URL}) names it. */
    InetSocketAddress databaseServer() {
        URI server = databaseUri();
        return InetSocketAddress.createUnresolved(server.getHost(), server.getPort() == -1 ? 3306 : server.getPort());
    }

    /** The JDBC URL of this class's database at {@code 127.0.0.1:port}, with the URL's properties (query string). */
    String databaseUrlAt(int port) {
        URI server = databaseUri();
        return "jdbc:" + server.getScheme() + "://127.0.0.1:" + port + server.getRawPath()
                + (server.getRawQuery() == null ? "" : "?" + server.getRawQuery());
    }

    private URI databaseUri() {
        return URI.create(database.url.substring("jdbc:".length()));
    }

    /** {@code call} on a client of this class's Redis database, closed after. */
    <T> T redis(java.util.function.Function<RedisClient, T> call) {
        try (RedisClient redis = RedisClient.create(redisUrl)) {
            return call.apply(redis);
        }
    }

    /** FLUSHDB of this class's Redis database: what FLUSHALL or a restart without persistence does to it. */
    void flushRedis() {
        try (RedisClient redis = RedisClient.create(redisUrl)) {
            redis.flushDB();
        }
    }

    /**
     * {@link #flushRedis}, reading in the same transaction how many entries the persist stage had not stored then
     * ({@link PersistBacklog}): the most the flush can lose.
     */
    long flushRedisCountingBacklog() {
        try (RedisClient redis = RedisClient.create(redisUrl)) {
            return PersistBacklog.flushing(redis);
        }
    }

    /** Redis' {@code used_memory}: of every database, so of other users' data too. */
    long redisUsedMemory() {
        try (RedisClient redis = RedisClient.create(redisUrl)) {
            String info = redis.info("memory");
            return info.lines()
                    .filter(line -> line.startsWith("used_memory:"))
                    .mapToLong(line -> Long.parseLong(
                            line.substring("used_memory:".length()).trim()))
                    .findFirst()
                    .orElseThrow();
        }
    }

    /** The largest {@code MEMORY USAGE} of the shard streams, exact (every node counted). */
    long largestStreamMemory() {
        try (RedisClient redis = RedisClient.create(redisUrl)) {
            long largest = 0;
            for (int shard = 0; shard < SHARDS; shard++) {
                Long bytes = redis.memoryUsage("{chat:s" + shard + "}:writes", 0);
                largest = Math.max(largest, bytes == null ? 0 : bytes);
            }
            return largest;
        }
    }

    /** Messages of {@code token} in MySQL: total rows and distinct (chat, message number) keys. */
    Counts storedMessages(String token) {
        String sql = """
                SELECT COUNT(*), COUNT(DISTINCT c.chat_number, m.message_number)
                FROM messages m JOIN chats c ON c.id = m.chat_id JOIN applications a ON a.id = c.application_id
                WHERE a.token = ?""";
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, token);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new Counts(rows.getLong(1), rows.getLong(2));
            }
        } catch (SQLException e) {
            throw new AssertionError("counting stored messages: " + e, e);
        }
    }

    /** Every stored message of {@code token} as {@code chat/number} and body, one entry per row. */
    List<Map.Entry<String, String>> storedBodies(String token) {
        String sql = """
                SELECT c.chat_number, m.message_number, m.body FROM messages m JOIN chats c ON c.id = m.chat_id
                JOIN applications a ON a.id = c.application_id WHERE a.token = ?""";
        List<Map.Entry<String, String>> rows = new ArrayList<>();
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, token);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(Map.entry(result.getLong(1) + "/" + result.getLong(2), result.getString(3)));
                }
            }
        } catch (SQLException e) {
            throw new AssertionError("reading stored messages: " + e, e);
        }
        return rows;
    }

    /** Documents of {@code token} in this class's index (their ids are token/chat/number, so never duplicated). */
    long indexedMessages(String token) {
        String query = "{\"query\":{\"term\":{\"token\":" + quote(token) + "}}}";
        HttpRequest request = HttpRequest.newBuilder(elasticsearchUrl.resolve("/" + elasticsearchIndex + "/_count"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(query))
                .timeout(Duration.ofSeconds(10))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return -1;
            }
            return JSON.readTree(response.body()).get("count").asLong();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Every document of {@code token} in this class's index as {@code chat/number} and the body it holds, which the
     * index stores normalized ({@link QueryWords#normalized}): paged in id order with {@code search_after}, so none is
     * missed or read twice. A document whose {@code _id} is not token/chat/number (the id {@code MessageDocuments}
     * gives) appears under "bad id …", matching no message.
     *
     * @throws IllegalStateException when Elasticsearch does not answer every page from every shard
     */
    Map<String, String> indexedBodies(String token) {
        Map<String, String> documents = new LinkedHashMap<>();
        JsonNode after = null;
        while (true) {
            ObjectNode query = JSON.createObjectNode();
            query.put("size", INDEX_PAGE);
            query.put("track_total_hits", false);
            query.putObject("query").putObject("term").put("token", token);
            query.putArray("sort").addObject().put("id", "asc");
            query.putArray("_source").add("chat").add("number").add("body");
            if (after != null) {
                query.set("search_after", after);
            }
            JsonNode answer = search(query);
            JsonNode hits = answer.path("hits").path("hits");
            for (JsonNode hit : hits) {
                JsonNode source = hit.path("_source");
                String chatKey = source.path("chat").asText();
                String key = chatKey.substring(chatKey.lastIndexOf('/') + 1) + "/"
                        + source.path("number").asLong();
                String id = hit.path("_id").asText();
                if (!id.equals(token + "/" + key)) {
                    key = "bad id " + id;
                }
                if (documents.put(key, source.path("body").asText()) != null) {
                    throw new IllegalStateException("document " + id + " read twice: the paging is broken");
                }
                after = hit.path("sort");
            }
            if (hits.size() < INDEX_PAGE) {
                return documents;
            }
        }
    }

    /**
     * Whether the index holds exactly {@code expected} of {@code token}: those ids (chat/number), each with its body
     * (as sent: normalized here), and no other document. False while Elasticsearch does not answer.
     */
    boolean indexHoldsExactly(String token, Map<String, String> expected) {
        try {
            return indexedBodies(token).equals(asIndexed(expected));
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** How the index differs from {@code expected} (see {@link #indexHoldsExactly}), for a failure message. */
    String indexDifference(String token, Map<String, String> expected) {
        Map<String, String> documents;
        try {
            documents = indexedBodies(token);
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
        Map<String, String> wanted = asIndexed(expected);
        List<String> missing = wanted.keySet().stream()
                .filter(key -> !documents.containsKey(key))
                .toList();
        List<String> extra = documents.keySet().stream()
                .filter(key -> !wanted.containsKey(key))
                .toList();
        List<String> otherBody = wanted.keySet().stream()
                .filter(key -> documents.containsKey(key) && !documents.get(key).equals(wanted.get(key)))
                .toList();
        return documents.size() + " documents; missing " + sample(missing) + ", not expected " + sample(extra)
                + ", another body " + sample(otherBody);
    }

    private static Map<String, String> asIndexed(Map<String, String> messages) {
        Map<String, String> indexed = new HashMap<>();
        messages.forEach((key, body) -> indexed.put(key, QueryWords.normalized(body)));
        return indexed;
    }

    private static String sample(List<String> keys) {
        return keys.size() + (keys.isEmpty() ? "" : " " + keys.subList(0, Math.min(5, keys.size())));
    }

    private JsonNode search(ObjectNode query) {
        HttpRequest request = HttpRequest.newBuilder(elasticsearchUrl.resolve("/" + elasticsearchIndex + "/_search"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(query.toString()))
                .timeout(Duration.ofSeconds(30))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "Elasticsearch answered " + response.statusCode() + ": " + abbreviated(response.body()));
            }
            JsonNode answer = JSON.readTree(response.body());
            if (answer.path("timed_out").asBoolean()
                    || answer.path("_shards").path("failed").asInt() > 0) {
                throw new IllegalStateException("a partial answer from Elasticsearch: " + abbreviated(response.body()));
            }
            return answer;
        } catch (IOException e) {
            throw new IllegalStateException("Elasticsearch did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String abbreviated(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    @Override
    public void close() {
        try {
            flushRedis();
        } finally {
            try {
                database.close();
            } finally {
                deleteIndex();
            }
        }
    }

    /** The index, what full reindexes made of it, and its template: its name is this run's alone. */
    private void deleteIndex() {
        try {
            TestIndices.delete(elasticsearchIndex);
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + elasticsearchIndex, e);
        }
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Rows and distinct keys: equal when nothing is duplicated. */
    record Counts(long rows, long distinct) {}
}
