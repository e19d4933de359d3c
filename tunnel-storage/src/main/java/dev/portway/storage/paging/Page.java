package dev.portway.storage.paging;

import java.util.List;
import java.util.function.Function;

/** The rows of one page and how many rows match in all. */
public record Page<T>(List<T> items, long total) {
    public Page {
        items = List.copyOf(items);
    }

    public <R> Page<R> map(Function<T, R> mapper) {
        return new Page<>(items.stream().map(mapper).toList(), total);
    }
}
