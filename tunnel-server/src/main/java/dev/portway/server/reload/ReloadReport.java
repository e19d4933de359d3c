package dev.portway.server.reload;

import java.util.List;

/**
 * What one reload did.
 *
 * @param applied      settings the running server took
 * @param needsRestart settings that differ from those the server started with and take effect only at a restart
 * @param failures     live settings that could not be applied, with the reason; the old ones stay in use
 */
public record ReloadReport(List<ConfigDiff.Change> applied, List<ConfigDiff.Change> needsRestart,
                           List<String> failures) {
    public ReloadReport {
        applied = List.copyOf(applied);
        needsRestart = List.copyOf(needsRestart);
        failures = List.copyOf(failures);
    }
}
