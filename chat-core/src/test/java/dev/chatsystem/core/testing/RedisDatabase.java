package dev.chatsystem.core.testing;

import java.net.URI;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.RedisClient;

/**
 * A numbered database of the real Redis ({@code scripts/services up}) that one test class has to itself: a client
 * on it for each test, the database flushed before and after. Register it as an extension field.
 */
public final class RedisDatabase implements BeforeEachCallback, AfterEachCallback {
    private final int number;
    private RedisClient client;

    public RedisDatabase(int number) {
        this.number = number;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        client = RedisClient.create(url());
        client.flushDB();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        client.flushDB();
        client.close();
    }

    /** The database's URL. */
    public URI url() {
        return Services.requireRedis().resolve("/" + number);
    }

    /** The test's client on the database. */
    public RedisClient client() {
        return client;
    }
}
