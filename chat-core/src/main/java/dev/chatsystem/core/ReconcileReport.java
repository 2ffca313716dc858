package dev.chatsystem.core;

import java.util.List;

/**
 * What a count reconciliation corrected.
 *
 * @param corrections each count that was wrong, with its old and new value
 */
public record ReconcileReport(List<Correction> corrections) {
    public ReconcileReport {
        corrections = List.copyOf(corrections);
    }

    /**
     * One corrected count: an application's {@code chats_count} when {@code chatNumber} is 0, otherwise a chat's
     * {@code messages_count}.
     */
    public record Correction(String token, long chatNumber, long was, long now) {}
}
