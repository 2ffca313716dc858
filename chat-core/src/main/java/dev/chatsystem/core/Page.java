package dev.chatsystem.core;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A page of a keyset-paginated list.
 *
 * @param items the rows, in ascending number order
 * @param nextAfter the {@code after} value of the next page, present only when more rows exist
 */
public record Page<T>(List<T> items, OptionalLong nextAfter) {
    public Page {
        items = List.copyOf(items);
        Objects.requireNonNull(nextAfter, "nextAfter");
    }
}
