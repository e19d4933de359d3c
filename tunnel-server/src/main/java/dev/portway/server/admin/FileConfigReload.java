package dev.portway.server.admin;

import dev.portway.admin.problem.ApiException;
import dev.portway.admin.problem.ProblemType;
import dev.portway.admin.reload.ConfigReload;
import dev.portway.admin.reload.ReloadResult;
import dev.portway.protocol.config.ConfigException;
import dev.portway.server.reload.ConfigDiff;
import dev.portway.server.reload.ReloadReport;
import dev.portway.server.reload.ServerReload;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * {@code POST /api/v1/reload} on a server started with a file: the reload runs on {@code executor}, off the admin
 * listener's event loop, because it reads files. An invalid file is a 422 whose detail lists every problem with its
 * field path, as the server logs them.
 */
public final class FileConfigReload implements ConfigReload {
    private final ServerReload reload;
    private final Executor executor;

    public FileConfigReload(ServerReload reload, Executor executor) {
        this.reload = reload;
        this.executor = executor;
    }

    @Override
    public CompletionStage<ReloadResult> reload() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return result(reload.reload());
            } catch (ConfigException e) {
                throw new ApiException(ProblemType.INVALID_FIELD,
                        "The configuration file is invalid; nothing was changed: " + String.join("; ", e.problems()),
                        null, Map.of());
            }
        }, executor);
    }

    private static ReloadResult result(ReloadReport report) {
        return new ReloadResult(fields(report.applied()), fields(report.needsRestart()), report.failures());
    }

    private static List<String> fields(List<ConfigDiff.Change> changes) {
        return changes.stream().map(ConfigDiff.Change::field).toList();
    }
}
