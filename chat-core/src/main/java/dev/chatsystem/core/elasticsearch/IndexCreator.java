package dev.chatsystem.core.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import co.elastic.clients.elasticsearch.indices.IndexSettings;
import co.elastic.clients.elasticsearch.indices.get_mapping.IndexMappingRecord;
import co.elastic.clients.json.JsonData;
import co.elastic.clients.util.ObjectBuilder;
import dev.chatsystem.core.BackendUnavailableException;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the index with its mapping unless it exists (then adds any field the mapping gained and warns, at start and
 * in {@link #staleLayout}, when its documents are of an older layout), once per process; safe when several processes
 * start at the same time (the loser of the race gets {@code resource_already_exists_exception}, which is success).
 * A process that does not maintain the index ({@code maintains} off) only looks at it ({@link #prepare}) and writes
 * only while it exists ({@link #requireWritable}), but for a full rebuild, which still creates it.
 */
final class IndexCreator {
    private static final Logger LOG = LoggerFactory.getLogger(IndexCreator.class);
    private static final String ALREADY_EXISTS = "resource_already_exists_exception";
    /** Above the built-in templates' (which match other patterns anyway), so ours applies to our name. */
    private static final long TEMPLATE_PRIORITY = 500;

    /**
     * Half Elasticsearch's default of 1 s. A document becomes searchable at the first refresh after it is indexed, and
     * searchable within 2 s of the 201 (p99, at 5,000 creates/s) must also cover its wait in the queue. Measured with
     * {@code bench/run lag}, runs side by side: searchable p99 3.2 and 2.0 s at 1 s, 1.2 and 1.6 s at 500 ms, for
     * about a tenth more Elasticsearch CPU. Set when the index is created; an existing index keeps its own.
     */
    static final String REFRESH_INTERVAL = "500ms";

    /**
     * The mapping's {@code _meta} entry naming what created the index: {@link #CREATED_BY_TEMPLATE} when a write created
     * it through the template, after someone deleted it under running processes, so that it lacks every message
     * indexed before ({@link IndexHealth} reports search down until a full reindex swaps in an index of its own).
     * Every explicit create sets it too, as Elasticsearch merges a matching template's {@code _meta} into the one a
     * create gives. Indexes created before this entry have none, and count as created explicitly.
     */
    static final String CREATED_BY_KEY = "chat_created_by";

    static final String CREATED_BY_TEMPLATE = "template";
    static final String CREATED_AT_OPEN = "open";
    /**
     * Created at open while the store already held messages (Elasticsearch's data lost, the index deleted while every
     * process was stopped, a new index name): it lacks them, as one the template created does.
     */
    static final String CREATED_EMPTY_OVER_MESSAGES = "open-over-messages";

    static final String CREATED_BY_REBUILD = "rebuild";

    private final ElasticsearchClient client;
    private final String indexName;
    private final int shards;
    private final StaleLayout staleLayout;
    private final BooleanSupplier storeHoldsMessages;
    private final boolean maintains;
    private volatile boolean created;
    private volatile boolean inspected;

    /**
     * {@code storeHoldsMessages} is asked only when the index is created, to tell whether it starts incomplete;
     * {@code maintains} says whether this process creates and upgrades the index, or only looks at it.
     */
    IndexCreator(
            ElasticsearchClient client,
            String indexName,
            int shards,
            Clock clock,
            BooleanSupplier storeHoldsMessages,
            boolean maintains) {
        this.client = client;
        this.maintains = maintains;
        this.storeHoldsMessages = storeHoldsMessages;
        this.indexName = indexName;
        this.shards = shards;
        this.staleLayout = new StaleLayout(this::layout, clock);
    }

    /** Whether the index was found holding documents of an older layout, until the current one is recorded. */
    StaleLayout staleLayout() {
        return staleLayout;
    }

    /** Whether this process creates the index and its template and adds fields to its mapping. */
    boolean maintains() {
        return maintains;
    }

    /**
     * Before a call on the index: {@link #ensureCreated} when this process maintains it, else {@link #inspect}. Throws
     * {@link BackendUnavailableException} when Elasticsearch does not answer.
     */
    void prepare() {
        if (maintains) {
            ensureCreated();
        } else {
            inspect();
        }
    }

    /**
     * Before a write to the index: without upkeep, fails unless it exists, as a bulk request would create a missing
     * index, with dynamic mappings (under which searches find nothing) when no template matches its name.
     */
    void requireWritable() {
        if (!maintains && !created && !exists()) {
            throw new BackendUnavailableException(
                    "search index: cannot index messages: " + ClientCalls.missing(indexName));
        }
    }

    /**
     * Returns once the index exists, whether this process maintains it or not (a full rebuild needs it); throws
     * {@link BackendUnavailableException} when that cannot be known.
     */
    void ensureCreated() {
        if (created) {
            return;
        }
        ClientCalls.translate("create index " + indexName, () -> {
            // First: a name a data-stream template also matches (logs-*-* on a default Elasticsearch) could not be
            // created as an index otherwise; ours has the higher priority.
            putTemplate();
            if (client.indices().exists(e -> e.index(indexName)).value()) {
                // Adds fields a newer layout introduced (mappings only grow); documents indexed before need a
                // reindex to fill them.
                client.indices()
                        .putMapping(m -> m.index(indexName)
                                .properties(MessageDocuments.mapping().properties()));
                checkLayout(true);
            } else {
                create();
            }
            return null;
        });
        created = true;
    }

    /**
     * For a process that does not maintain the index: looks at it and changes nothing. An existing index is checked
     * for documents of an older layout as {@link #ensureCreated} checks it (an empty one's is not recorded); a missing
     * one stays missing, for {@link IndexHealth} to report. Once per process, or once {@link #ensureCreated} ran.
     */
    private void inspect() {
        if (created || inspected) {
            return;
        }
        if (exists()) {
            checkLayout(false);
        }
        inspected = true;
    }

    /** Whether the index, or an alias of its name, exists now. */
    private boolean exists() {
        return ClientCalls.translate(
                "read index " + indexName,
                () -> client.indices().exists(e -> e.index(indexName)).value());
    }

    /**
     * Warns when the existing index holds documents of an older layout, which only a full rebuild brings up to date;
     * an empty one is of this layout already, recorded as such when {@code mayRecord}. Advisory: a failure here is
     * logged and never keeps the index from being used.
     */
    private void checkLayout(boolean mayRecord) {
        try {
            Optional<String> layout = layout();
            if (layout.equals(Optional.of(MessageDocuments.LAYOUT))) {
                return;
            }
            if (client.count(c -> c.index(indexName)).count() == 0) {
                if (mayRecord) {
                    recordLayout();
                }
                return;
            }
            LOG.warn(
                    "the Elasticsearch index {} holds documents of an older layout ({}; this version writes {}): until"
                            + " a full reindex (chat-cli reindex) rewrites them, some searches may not find those"
                            + " messages (the README's upgrading the search index says which)",
                    indexName,
                    layout.orElse(StaleLayout.NONE_RECORDED),
                    MessageDocuments.LAYOUT);
            staleLayout.found(layout);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot check the document layout of the Elasticsearch index {}: {}", indexName, e.toString());
        }
    }

    /**
     * The layout the index's mapping records; empty when none is, or one cannot be read, or the indices behind an
     * alias disagree.
     */
    Optional<String> layout() throws IOException {
        Set<Optional<String>> layouts = new HashSet<>();
        client.indices()
                .getMapping(g -> g.index(indexName))
                .mappings()
                .values()
                .forEach(index -> layouts.add(layoutOf(index.mappings().meta())));
        return layouts.size() == 1 ? layouts.iterator().next() : Optional.empty();
    }

    private static Optional<String> layoutOf(Map<String, JsonData> meta) {
        JsonData layout = meta.get(MessageDocuments.LAYOUT_KEY);
        try {
            return Optional.ofNullable(layout).map(value -> value.to(String.class));
        } catch (RuntimeException e) { // not a string (someone else's value): none recorded
            return Optional.empty();
        }
    }

    /**
     * Records that every document is of this code's layout: after a full rebuild, or in an empty index. A mapping
     * update replaces the whole {@code _meta}, so each index's other entries are written back with it.
     */
    void recordLayout() throws IOException {
        Map<String, IndexMappingRecord> indices =
                client.indices().getMapping(g -> g.index(indexName)).mappings();
        for (Map.Entry<String, IndexMappingRecord> index : indices.entrySet()) {
            Map<String, JsonData> meta =
                    new HashMap<>(index.getValue().mappings().meta());
            meta.put(MessageDocuments.LAYOUT_KEY, JsonData.of(MessageDocuments.LAYOUT));
            client.indices().putMapping(m -> m.index(index.getKey()).meta(meta));
        }
        staleLayout.recorded();
    }

    /**
     * An index template of the same settings and mapping for exactly this name and the indexes a full rebuild creates
     * (whose names a data-stream template may also match): should someone delete the index under
     * running processes, the next bulk request creates it again through the template, rather than with dynamic
     * mappings under which the chat filter of every search would match nothing. It marks the index it creates
     * ({@link #CREATED_BY_KEY}), as such an index lacks what the deleted one held. Idempotent.
     */
    private void putTemplate() throws IOException {
        try {
            client.indices()
                    .putIndexTemplate(t -> t.name(templateName(indexName))
                            .indexPatterns(indexName, indexName + AliasSwapRebuild.GENERATION + "*")
                            .priority(TEMPLATE_PRIORITY)
                            .template(template -> template.settings(this::settings)
                                    .mappings(mapping(Map.of(CREATED_BY_KEY, CREATED_BY_TEMPLATE)))));
        } catch (ElasticsearchException e) {
            if (e.status() >= 500) {
                throw e;
            }
            // Refused (a user without manage_index_templates, an overlapping template): the index works without it.
            LOG.warn(
                    "cannot put the index template for {} (a deleted index would come back without its mapping): {}",
                    indexName,
                    e.getMessage());
        }
    }

    /** The name of the template {@link #ensureCreated} puts for {@code indexName}. */
    static String templateName(String indexName) {
        return "chat-system-" + indexName;
    }

    private ObjectBuilder<IndexSettings> settings(IndexSettings.Builder settings) {
        return settings.numberOfShards(Integer.toString(shards)).refreshInterval(t -> t.time(REFRESH_INTERVAL));
    }

    /**
     * Creates the index a full rebuild fills ({@link AliasSwapRebuild}): this index's settings but no refreshes until
     * it is complete, and its mapping with {@code meta} added to its {@code _meta}.
     */
    void createRebuildTarget(String name, Map<String, String> meta) throws IOException {
        Map<String, String> allMeta = new HashMap<>(meta);
        allMeta.put(CREATED_BY_KEY, CREATED_BY_REBUILD);
        client.indices()
                .create(c -> c.index(name)
                        .settings(
                                s -> s.numberOfShards(Integer.toString(shards)).refreshInterval(t -> t.time("-1")))
                        .mappings(mapping(allMeta)));
    }

    /** The documents' mapping ({@link MessageDocuments#mapping}) with {@code meta} added to its {@code _meta}. */
    private static TypeMapping mapping(Map<String, String> meta) {
        TypeMapping mapping = MessageDocuments.mapping();
        Map<String, JsonData> allMeta = new HashMap<>(mapping.meta());
        meta.forEach((key, value) -> allMeta.put(key, JsonData.of(value)));
        return TypeMapping.of(m -> m.dynamic(mapping.dynamic()).meta(allMeta).properties(mapping.properties()));
    }

    private void create() throws IOException {
        String createdBy = holdsMessages() ? CREATED_EMPTY_OVER_MESSAGES : CREATED_AT_OPEN;
        try {
            client.indices()
                    .create(c -> c.index(indexName)
                            .settings(this::settings)
                            .mappings(mapping(Map.of(CREATED_BY_KEY, createdBy))));
        } catch (ElasticsearchException e) {
            if (!ALREADY_EXISTS.equals(e.response().error().type())) {
                throw e;
            }
        }
    }

    /** Whether the store holds messages an index created now lacks; not known counts as none, as before this check. */
    private boolean holdsMessages() {
        try {
            return storeHoldsMessages.getAsBoolean();
        } catch (RuntimeException e) {
            LOG.warn(
                    "cannot tell whether the store holds messages the new index {} lacks: {}", indexName, e.toString());
            return false;
        }
    }
}
