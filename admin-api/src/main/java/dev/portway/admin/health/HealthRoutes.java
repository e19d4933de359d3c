package dev.portway.admin.health;

import dev.portway.admin.LiveServerView;
import dev.portway.admin.http.Access;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.Route;
import dev.portway.storage.Storage;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Probes, without a key. {@code /healthz}: the process answers. {@code /readyz}: it can do its job, i.e. the database
 * answers a trivial query and the server's listeners are bound. Both answer with a small JSON object (also on 503,
 * so that a probe log shows which part is down), not a problem document. The server's log says when the database
 * goes down or comes back ({@link DatabaseStateLog}), not on every probe.
 */
public final class HealthRoutes {
    /** A probe that waits longer than its own timeout learns nothing; answer "down" before kubelet gives up. */
    private static final long DATABASE_CHECK_SECONDS = 2;

    private final Storage storage;
    private final LiveServerView liveServer;
    private final DatabaseStateLog databaseLog = new DatabaseStateLog(DATABASE_CHECK_SECONDS);

    public HealthRoutes(Storage storage, LiveServerView liveServer) {
        this.storage = storage;
        this.liveServer = liveServer;
    }

    public record Health(String status) {
    }

    /** @param database {@code up} or {@code down}; @param listeners {@code bound} or {@code unbound} */
    public record Readiness(String status, String database, String listeners) {
    }

    public List<Route> routes() {
        return List.of(
                Route.route("GET", "/healthz", "health")
                        .summary("Liveness: the process is up")
                        .access(Access.PUBLIC)
                        .response(200, BodyShape.of(Health.class))
                        .handler(call -> CompletableFuture.completedFuture(Json.response(200, new Health("up")))),
                Route.route("GET", "/readyz", "readiness")
                        .summary("Readiness: the database answers and the listeners are bound (503 otherwise)")
                        .access(Access.PUBLIC)
                        .response(200, BodyShape.of(Readiness.class))
                        .errors(503)
                        .handler(this::ready));
    }

    private CompletableFuture<AdminResponse> ready(Call call) {
        CompletableFuture<Void> ping;
        try {
            ping = storage.ping();
        } catch (RuntimeException e) {
            ping = CompletableFuture.failedFuture(e);
        }
        return ping.orTimeout(DATABASE_CHECK_SECONDS, TimeUnit.SECONDS)
                .handle((ignored, failure) -> {
                    databaseLog.observed(failure);
                    return failure == null;
                })
                .thenApply(databaseUp -> {
                    boolean bound = liveServer.listenersBound();
                    boolean ready = databaseUp && bound;
                    return Json.response(ready ? 200 : 503, new Readiness(ready ? "ready" : "not ready",
                            databaseUp ? "up" : "down", bound ? "bound" : "unbound"));
                });
    }
}
