package dev.portway.admin.reload;

import dev.portway.admin.audit.Auditor;
import dev.portway.admin.http.Access;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.Route;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code POST /api/v1/reload}: what SIGHUP does, for operators who reach the server only through its API. */
public final class ReloadRoutes {
    private final ConfigReload reload;
    private final Auditor auditor;

    public ReloadRoutes(ConfigReload reload, Auditor auditor) {
        this.reload = reload;
        this.auditor = auditor;
    }

    public List<Route> routes() {
        return List.of(Route.route("POST", "/api/v1/reload", "reloadConfig")
                .summary("Re-read server.yaml and apply what changed without dropping connections")
                .access(Access.ADMIN)
                .response(200, BodyShape.of(ReloadResult.class))
                .errors(409, 422)
                .handler(this::reload));
    }

    private CompletableFuture<AdminResponse> reload(Call call) {
        return reload.reload().toCompletableFuture()
                .thenCompose(result -> auditor.record(call.operator(), "server.reload", "server",
                                Map.of("applied", result.applied(), "needsRestart", result.needsRestart()))
                        .thenApply(ignored -> Json.response(200, result)));
    }
}
