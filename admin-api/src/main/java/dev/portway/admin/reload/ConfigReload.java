package dev.portway.admin.reload;

import dev.portway.admin.problem.ApiException;
import dev.portway.admin.problem.ProblemType;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Re-reads the running server's configuration file and applies what it can; the server implements it. Declared
 * here so that the admin API asks for a reload without seeing the server's config types.
 *
 * <p><b>Threading:</b> called on the admin transport's threads; implementations do the file work elsewhere and
 * complete the stage there.
 */
@FunctionalInterface
public interface ConfigReload {
    /** A server started without a configuration file has nothing to re-read. */
    ConfigReload NONE = () -> CompletableFuture.failedFuture(new ApiException(ProblemType.NOT_RELOADABLE,
            "The server was started without a configuration file (-c): nothing to reload", null, Map.of()));

    CompletionStage<ReloadResult> reload();
}
