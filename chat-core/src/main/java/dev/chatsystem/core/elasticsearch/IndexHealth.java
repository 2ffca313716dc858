package dev.chatsystem.core.elasticsearch;

import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import dev.chatsystem.core.BackendStatus;
import java.io.IOException;
import java.util.Set;

/**
 * The search index's health: down when the cluster is unreachable or the index is red (a primary shard unassigned) or
 * missing; up with a warning while it lacks older messages until a full reindex replaces it (created again by a write
 * through {@link IndexCreator}'s template after it was deleted, or created empty at open over a store holding
 * messages), while writes to the index
 * are blocked (a full reindex that did not finish, {@link AliasSwapRebuild}) or while it holds documents of an older
 * layout ({@link StaleLayout}), which searches still find, only not by every short word. Only this index's health
 * counts: another deployment's red index on a shared cluster does not take this one's search down.
 */
final class IndexHealth {
    static final String KIND = "elasticsearch";

    private IndexHealth() {}

    static BackendStatus of(Rest5Client rest, String indexName, StaleLayout staleLayout) {
        try {
            switch (IndexReads.status(rest, indexName)) {
                case MISSING -> {
                    return BackendStatus.down(
                            "search",
                            KIND,
                            "index " + indexName
                                    + " does not exist: run chat-cli reindex (a write creates it again, but"
                                    + " without the messages it held)");
                }
                case RED -> {
                    return BackendStatus.down(
                            "search", KIND, "index " + indexName + " is red: a primary shard is not assigned");
                }
                case AVAILABLE -> {}
            }
            IndexReads.State state = IndexReads.state(rest, indexName);
            // Searches work, only without older messages: a warning, as a stale layout is, since down would take
            // every instance out of a load balancer for what only a reindex repairs.
            if (!state.createdByTemplate().isEmpty()) {
                return lacking(
                        state.createdByTemplate(),
                        "was created again by a write after it was deleted, so searches miss the messages indexed"
                                + " before");
            }
            if (!state.createdOverMessages().isEmpty()) {
                return lacking(
                        state.createdOverMessages(),
                        "was created empty while the store held messages, so searches miss them");
            }
            Set<String> blocked = state.writeBlocked();
            if (!blocked.isEmpty()) {
                return BackendStatus.warning(
                        "search",
                        KIND,
                        "writes to " + String.join(", ", blocked) + " are blocked, so indexing waits (a full reindex"
                                + " blocks them for its last copy; one that did not finish leaves them blocked): run"
                                + " chat-cli reindex");
            }
            return staleLayout
                    .older()
                    .map(older -> BackendStatus.warning(
                            "search",
                            KIND,
                            "documents of an older layout (" + older + "; this version writes "
                                    + MessageDocuments.LAYOUT + "): run chat-cli reindex"))
                    .orElseGet(() -> BackendStatus.up("search", KIND));
        } catch (IOException | RuntimeException e) {
            return BackendStatus.down("search", KIND, String.valueOf(e.getMessage()));
        }
    }

    /** Up, warning that {@code indexes} lack older messages ({@code why}) until a full reindex replaces them. */
    private static BackendStatus lacking(Set<String> indexes, String why) {
        return BackendStatus.warning(
                "search", KIND, "index " + String.join(", ", indexes) + " " + why + ": run chat-cli reindex");
    }
}
