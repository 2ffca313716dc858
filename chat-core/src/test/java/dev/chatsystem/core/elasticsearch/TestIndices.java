package dev.chatsystem.core.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import dev.chatsystem.core.testing.Services;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real node a test class works on ({@code scripts/services up}), an admin client for looking behind the adapter,
 * and fresh index names, every index named deleted after each test. Register it as a static extension field.
 */
public final class TestIndices implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    private final List<String> names = new ArrayList<>();
    private URI url;
    private ElasticsearchClient admin;

    @Override
    public void beforeAll(ExtensionContext context) {
        url = Services.requireElasticsearch();
        admin = new ElasticsearchClient(
                new Rest5ClientTransport(Rest5Client.builder(url).build(), new JacksonJsonpMapper()));
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        for (String name : names) {
            deleteWithGenerations(admin, name);
            deleteTemplate(admin, name);
        }
        names.clear();
    }

    /**
     * A name for an index that a test class makes outside this extension (through a {@code ChatSystem}, a store, a
     * server), unique to this run: a fixed name would pile up on a reused node, and an index that a run killed midway
     * left half rebuilt or write-blocked would break the next run. Delete it with {@link #delete} in an
     * {@code @AfterAll}.
     */
    public static String uniqueName(String purpose) {
        return "chat-test-" + purpose + "-" + UUID.randomUUID().toString().toLowerCase(Locale.ROOT);
    }

    /**
     * Deletes each index named, with every index a full rebuild of it created and its template: the cleanup of a
     * {@link #uniqueName}. Aborts, as the tests did, when Elasticsearch cannot be reached.
     */
    public static void delete(String... names) throws IOException {
        ElasticsearchClient client = new ElasticsearchClient(new Rest5ClientTransport(
                Rest5Client.builder(Services.requireElasticsearch()).build(), new JacksonJsonpMapper()));
        try {
            for (String name : names) {
                deleteWithGenerations(client, name);
                deleteTemplate(client, name);
            }
        } finally {
            client._transport().close();
        }
    }

    /**
     * Deletes the index {@code name}, or the index it is an alias of, and every index a full rebuild of it created
     * ({@link AliasSwapRebuild}): by their names, as an alias or a wildcard cannot name an index to delete.
     */
    private static void deleteWithGenerations(ElasticsearchClient admin, String name) throws IOException {
        for (String index : admin.indices()
                .get(g ->
                        g.index(name, name + AliasSwapRebuild.GENERATION + "*").ignoreUnavailable(true))
                .indices()
                .keySet()) {
            admin.indices().delete(d -> d.index(index).ignoreUnavailable(true));
        }
    }

    private static void deleteTemplate(ElasticsearchClient admin, String name) throws IOException {
        if (admin.indices()
                .existsIndexTemplate(t -> t.name(IndexCreator.templateName(name)))
                .value()) {
            admin.indices().deleteIndexTemplate(t -> t.name(IndexCreator.templateName(name)));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (admin != null) {
            admin._transport().close();
        }
    }

    public URI url() {
        return url;
    }

    ElasticsearchClient admin() {
        return admin;
    }

    /** A name no other test uses, deleted after this test. */
    public String newName() {
        return track("chat-test-" + UUID.randomUUID().toString().toLowerCase(Locale.ROOT));
    }

    /** The name given last. */
    String last() {
        return names.getLast();
    }

    /** Deletes {@code name} after this test too. */
    String track(String name) {
        names.add(name);
        return name;
    }
}
