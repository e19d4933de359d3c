package dev.portway.admin.usage;

import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.Route;
import dev.portway.admin.problem.ApiException;
import dev.portway.storage.Storage;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A user's standing against its plan, as the server judges it: the period's stored traffic of every node plus this
 * node's unflushed counts, so it may lag other nodes by one flush interval.
 */
public final class UsageRoutes {
    private final Storage storage;

    public UsageRoutes(Storage storage) {
        this.storage = storage;
    }

    public List<Route> routes() {
        return List.of(Route.route("GET", "/api/v1/users/{id}/usage", "getUserUsage")
                .summary("Traffic of the current usage period against the user's plan, and what follows from it")
                .response(200, BodyShape.of(UsageView.class))
                .errors(404)
                .handler(this::usage));
    }

    private CompletableFuture<AdminResponse> usage(Call call) {
        long id = call.idParameter("id");
        call.operator().requireOwnerOrAdmin(id, "User " + id);
        return storage.usageMeter().read(id).thenApply(reading -> Json.response(200,
                UsageView.of(reading.orElseThrow(() -> ApiException.notFound("No user " + id)))));
    }
}
