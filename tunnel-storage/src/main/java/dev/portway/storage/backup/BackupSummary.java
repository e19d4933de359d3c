package dev.portway.storage.backup;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** What a backup holds or a restore wrote: rows per table, in restore order. */
public record BackupSummary(int schemaVersion, Map<String, Integer> rows) {
    public BackupSummary {
        rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
    }

    /** {@code "plans 1, users 3, ..."} for the operator. */
    public String describe() {
        return rows.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
