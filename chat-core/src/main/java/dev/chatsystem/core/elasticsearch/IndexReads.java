package dev.chatsystem.core.elasticsearch;

import co.elastic.clients.transport.rest5_client.low_level.Request;
import co.elastic.clients.transport.rest5_client.low_level.Response;
import co.elastic.clients.transport.rest5_client.low_level.ResponseException;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chatsystem.core.BackendUnavailableException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;

/**
 * What a full rebuild ({@link AliasSwapRebuild}) reads of the indexes' state: which indexes a name leads to, where each
 * primary shard's operations stand, which indexes have an alias, and which refuse writes (also read by {@link
 * IndexHealth}). Each read goes through the adapter, so failures
 * arrive as {@link BackendUnavailableException}.
 */
final class IndexReads {
    private IndexReads() {}

    /** One request through the adapter ({@link ElasticsearchSearchIndex#call}): its JSON answer. */
    static JsonNode send(ElasticsearchSearchIndex index, String method, String endpoint, JsonNode body) {
        Request request = new Request(method, endpoint);
        if (body != null) {
            request.setEntity(new StringEntity(body.toString(), ContentType.APPLICATION_JSON));
        }
        return index.call(
                method.toLowerCase(Locale.ROOT) + " " + endpoint,
                () -> ClientCalls.json(index.rest().performRequest(request)));
    }

    /**
     * The indexes {@code name} leads to (itself when it is an index, those of the alias when it is one), each with its
     * number of shards; fails when there are none.
     */
    static Map<String, Integer> concreteIndices(ElasticsearchSearchIndex index, String name) {
        JsonNode answer =
                send(index, "GET", "/" + name + "/_settings?filter_path=*.settings.index.number_of_shards", null);
        Map<String, Integer> indices = new TreeMap<>();
        answer.fields()
                .forEachRemaining(entry -> indices.put(
                        entry.getKey(),
                        entry.getValue()
                                .path("settings")
                                .path("index")
                                .path("number_of_shards")
                                .asInt()));
        if (indices.isEmpty() || indices.containsValue(0)) {
            throw new BackendUnavailableException(
                    "search index: cannot tell which indexes " + name + " leads to: " + answer);
        }
        return indices;
    }

    /** Whether an alias leads to {@code name}; false when it does not exist; empty when that cannot be read now. */
    static Optional<Boolean> aliased(ElasticsearchSearchIndex index, String name) {
        Request request = new Request("GET", "/" + name + "/_alias");
        try {
            return Optional.of(index.call("read the aliases of " + name, () -> {
                Response response = index.rest().performRequest(request);
                return !ClientCalls.json(response).path(name).path("aliases").isEmpty();
            }));
        } catch (BackendUnavailableException e) {
            if (e.getCause() instanceof RefusedRequest refused && refused.status() == 404) {
                return Optional.of(false);
            }
            return Optional.empty();
        }
    }

    /**
     * Those of the indexes {@code names} (comma-separated index or alias names; missing ones are skipped) leads to that
     * refuse writes ({@code index.blocks.write}).
     */
    static Set<String> writeBlocked(Rest5Client rest, String names) throws IOException {
        Request request = new Request("GET", "/" + names + "/_settings");
        request.addParameter("filter_path", "*.settings.index.blocks.write");
        request.addParameter("ignore_unavailable", "true");
        JsonNode answer = ClientCalls.json(rest.performRequest(request));
        Set<String> blocked = new TreeSet<>();
        answer.fields().forEachRemaining(index -> {
            if (index.getValue()
                    .path("settings")
                    .path("index")
                    .path("blocks")
                    .path("write")
                    .asBoolean()) {
                blocked.add(index.getKey());
            }
        });
        return blocked;
    }

    /**
     * What {@link IndexHealth} reads of the indexes {@code name} leads to: those that refuse writes, and those a write
     * created through the template ({@link IndexCreator#CREATED_BY_KEY}).
     */
    record State(Set<String> writeBlocked, Set<String> createdByTemplate, Set<String> createdOverMessages) {}

    /** The {@link State} of the indexes {@code name} leads to, in one request; missing ones are skipped. */
    static State state(Rest5Client rest, String name) throws IOException {
        Request request = new Request("GET", "/" + name);
        request.addParameter(
                "filter_path", "*.settings.index.blocks.write,*.mappings._meta." + IndexCreator.CREATED_BY_KEY);
        request.addParameter("ignore_unavailable", "true");
        JsonNode answer = ClientCalls.json(rest.performRequest(request));
        Set<String> blocked = new TreeSet<>();
        Set<String> createdByTemplate = new TreeSet<>();
        Set<String> createdOverMessages = new TreeSet<>();
        answer.fields().forEachRemaining(index -> {
            JsonNode value = index.getValue();
            if (value.path("settings")
                    .path("index")
                    .path("blocks")
                    .path("write")
                    .asBoolean()) {
                blocked.add(index.getKey());
            }
            String createdBy = value.path("mappings")
                    .path("_meta")
                    .path(IndexCreator.CREATED_BY_KEY)
                    .asText();
            if (IndexCreator.CREATED_BY_TEMPLATE.equals(createdBy)) {
                createdByTemplate.add(index.getKey());
            } else if (IndexCreator.CREATED_EMPTY_OVER_MESSAGES.equals(createdBy)) {
                createdOverMessages.add(index.getKey());
            }
        });
        return new State(blocked, createdByTemplate, createdOverMessages);
    }

    enum Status {
        AVAILABLE,
        RED,
        MISSING
    }

    /**
     * The health of the indexes {@code name} leads to, not the cluster's. For a missing index Elasticsearch waits out
     * the request's timeout and answers 408 (red), so the timeout is short.
     */
    static Status status(Rest5Client rest, String name) throws IOException {
        Request request = new Request("GET", "/_cluster/health/" + name);
        request.addParameter("timeout", "1s");
        request.addParameter("filter_path", "status,timed_out");
        try {
            return "red"
                            .equals(ClientCalls.json(rest.performRequest(request))
                                    .path("status")
                                    .asText())
                    ? Status.RED
                    : Status.AVAILABLE;
        } catch (ResponseException e) {
            if (e.getResponse().getStatusCode() == 408) {
                return Status.MISSING;
            }
            throw e;
        }
    }

    record SeqNo(long maxSeqNo, long globalCheckpoint) {}

    /**
     * Per primary shard of {@code name}, its highest sequence number and the one every copy has reached; fails unless
     * all {@code shardCount} primaries answer (the operations of one that does not could not be copied).
     */
    static Map<Integer, SeqNo> primaryShards(ElasticsearchSearchIndex index, String name, int shardCount) {
        JsonNode shards = send(
                        index,
                        "GET",
                        "/" + name + "/_stats/docs?level=shards&filter_path=indices.*.shards.*.routing.primary,"
                                + "indices.*.shards.*.seq_no",
                        null)
                .path("indices")
                .path(name)
                .path("shards");
        Map<Integer, SeqNo> primaries = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = shards.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> shard = it.next();
            for (JsonNode copy : shard.getValue()) {
                if (copy.path("routing").path("primary").asBoolean()) {
                    JsonNode seqNo = copy.path("seq_no");
                    primaries.put(
                            Integer.parseInt(shard.getKey()),
                            new SeqNo(
                                    seqNo.path("max_seq_no").asLong(),
                                    seqNo.path("global_checkpoint").asLong()));
                }
            }
        }
        if (primaries.size() != shardCount) {
            throw new BackendUnavailableException("search index: " + primaries.size() + " of the " + shardCount
                    + " primary shards of " + name + " answer; the reindex needs them all");
        }
        return primaries;
    }
}
