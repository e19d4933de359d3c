package dev.portway.admin.reload;

import java.util.List;

/**
 * The answer to {@code POST /api/v1/reload}. An invalid file is no result but a 422 problem listing its errors.
 *
 * @param applied      server.yaml fields the running server took, as paths ({@code auth.tokens}, {@code allowPorts})
 * @param needsRestart fields that differ from those the server started with and wait for a restart
 * @param failures     fields that could not be applied, with why; the settings in use stay
 */
public record ReloadResult(List<String> applied, List<String> needsRestart, List<String> failures) {
    public ReloadResult {
        applied = List.copyOf(applied);
        needsRestart = List.copyOf(needsRestart);
        failures = List.copyOf(failures);
    }
}
