package dev.chatsystem.core.elasticsearch;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the index holds documents of an older layout than {@link MessageDocuments#LAYOUT}, for health to report
 * until a full reindex records the current one. That reindex may be another process's, so while the layout is stale
 * the mapping is read again, at most once every {@link #RECHECK_EVERY}: health is asked often, and in the usual,
 * current case it costs no request at all. Advisory: a failed read keeps what was known. Thread-safe.
 */
final class StaleLayout {
    private static final Logger LOG = LoggerFactory.getLogger(StaleLayout.class);
    static final Duration RECHECK_EVERY = Duration.ofSeconds(30);
    static final String NONE_RECORDED = "none recorded";

    /** Reads the layout the mapping records (see {@link IndexCreator#layout}). */
    interface Reader {
        Optional<String> layout() throws IOException;
    }

    private final Reader reader;
    private final Clock clock;
    /** The older layout found, {@link #NONE_RECORDED} when none is; null when current or not checked. */
    private volatile String older;

    private Instant recheckAt = Instant.MIN; // guarded by this

    StaleLayout(Reader reader, Clock clock) {
        this.reader = reader;
        this.clock = clock;
    }

    /** Remembers that the index holds documents of {@code layout} (empty: the mapping records none). */
    synchronized void found(Optional<String> layout) {
        older = layout.orElse(NONE_RECORDED);
        recheckAt = clock.instant().plus(RECHECK_EVERY);
    }

    /** Forgets the older layout: the current one is recorded. Waits for a read in progress, which would undo it. */
    synchronized void recorded() {
        older = null;
    }

    /** The older layout the index holds, read again when due; empty when the index is of the current layout. */
    Optional<String> older() {
        if (older == null) {
            return Optional.empty(); // the usual case: no lock, no request
        }
        synchronized (this) {
            Instant now = clock.instant();
            if (older != null && !now.isBefore(recheckAt)) {
                recheckAt = now.plus(RECHECK_EVERY);
                try {
                    Optional<String> layout = reader.layout();
                    older = layout.equals(Optional.of(MessageDocuments.LAYOUT)) ? null : layout.orElse(NONE_RECORDED);
                } catch (IOException | RuntimeException e) {
                    LOG.debug("cannot read the document layout again; still reporting {}", older, e);
                }
            }
            return Optional.ofNullable(older);
        }
    }
}
