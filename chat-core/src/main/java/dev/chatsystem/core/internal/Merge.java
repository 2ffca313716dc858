package dev.chatsystem.core.internal;

import dev.chatsystem.core.Page;
import dev.chatsystem.core.PageRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * Merges two ascending lists keyed by number (the pending and the stored rows of a list), on equal numbers the first
 * list winning, and cuts a page from the result.
 */
final class Merge {
    private Merge() {}

    static <T> List<T> byNumber(List<T> preferred, List<T> others, ToLongFunction<T> number, int limit) {
        if (preferred.isEmpty()) {
            return others;
        }
        TreeMap<Long, T> merged = new TreeMap<>();
        others.forEach(item -> merged.put(number.applyAsLong(item), item));
        preferred.forEach(item -> merged.put(number.applyAsLong(item), item));
        List<T> result = new ArrayList<>(merged.values());
        return result.size() > limit ? result.subList(0, limit) : result;
    }

    /** The first {@code request.limit()} of {@code rows}, and the next page's cursor when there are more. */
    static <T> Page<T> page(List<T> rows, PageRequest request, ToLongFunction<T> key) {
        if (rows.size() <= request.limit()) {
            return new Page<>(rows, OptionalLong.empty());
        }
        List<T> items = rows.subList(0, request.limit());
        return new Page<>(items, OptionalLong.of(key.applyAsLong(items.get(items.size() - 1))));
    }
}
