package dev.chatsystem.core;

import java.util.Objects;

/**
 * A count reconciliation failed part way, or left rows it could not lock unfixed, after correcting some counts. The
 * reconciler corrects each row in a transaction of its own, so every correction made before and after a failure is
 * committed: {@link #committed()} reports them, as a successful run would have. Its code is the cause's, or
 * {@link Code#BACKEND_UNAVAILABLE}.
 */
public final class ReconcileFailedException extends ChatException {
    private final ReconcileReport committed;

    public ReconcileFailedException(ReconcileReport committed, RuntimeException cause) {
        super(
                "reconciling the counts failed after correcting " + committed.corrected() + ": " + cause.getMessage(),
                Objects.requireNonNull(cause, "cause"));
        this.committed = committed;
    }

    /** The counts corrected and committed before the failure. */
    public ReconcileReport committed() {
        return committed;
    }

    @Override
    public Code code() {
        return getCause() instanceof ChatException chat ? chat.code() : Code.BACKEND_UNAVAILABLE;
    }
}
