package dev.chatsystem.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/** Merges two ascending lists keyed by number; on equal numbers the first list wins. */
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
}
