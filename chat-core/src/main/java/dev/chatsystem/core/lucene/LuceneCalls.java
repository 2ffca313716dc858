package dev.chatsystem.core.lucene;

import dev.chatsystem.core.BackendUnavailableException;
import java.io.IOException;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.util.ThreadInterruptedException;

/**
 * Runs work on the Lucene index as the {@code SearchIndex} port promises: a failure is a {@link
 * BackendUnavailableException}, and an interrupted caller cannot break the index.
 *
 * <p>The writer writes files on whichever thread makes it flush (a refresh, a commit, a full buffer), through
 * interruptible channels: with the flag set, the channel closes with ClosedByInterruptException, an aborting
 * exception that closes the writer for good, and every later write fails until a restart. So the work runs with this
 * thread's interrupt flag cleared, and the flag is set again after: the interrupt is meant for the caller's waits, not
 * for the index.
 */
final class LuceneCalls {
    private LuceneCalls() {}

    /** Runs {@code work}; a failure makes the index unavailable for {@code action}. */
    static <T> T run(String action, Work<T> work) {
        boolean interrupted = Thread.interrupted();
        try {
            return work.run();
        } catch (ThreadInterruptedException e) {
            interrupted = true; // Lucene consumed an interrupt that came meanwhile: still the caller's
            throw unavailable(action, e);
        } catch (IOException | AlreadyClosedException e) {
            throw unavailable(action, e);
        } catch (IllegalArgumentException e) {
            // Lucene refuses a document whose field has another type than the index's: no retry can succeed.
            throw new BackendUnavailableException(
                    "search index: cannot " + action + ": Lucene refused it (" + e.getMessage() + "). If the index"
                            + " holds documents of another layout, stop the process and delete the index directory"
                            + " (index/ in the data dir): the next start rebuilds it from the store",
                    e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static BackendUnavailableException unavailable(String action, Exception cause) {
        return new BackendUnavailableException("search index: cannot " + action + ": " + cause, cause);
    }

    @FunctionalInterface
    interface Work<T> {
        T run() throws IOException;
    }
}
