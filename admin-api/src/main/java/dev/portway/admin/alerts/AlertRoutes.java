package dev.portway.admin.alerts;

import dev.portway.admin.LiveServerView;
import dev.portway.admin.http.Access;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.Route;
import dev.portway.monitor.alerts.FiringAlert;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code GET /api/v1/alerts}: the server's own alerts firing on this node at their last evaluation. */
public final class AlertRoutes {
    private final LiveServerView liveServer;

    public AlertRoutes(LiveServerView liveServer) {
        this.liveServer = liveServer;
    }

    public record AlertView(String alert, String severity, Map<String, String> labels, String summary,
                            String since) {
        static AlertView of(FiringAlert alert) {
            return new AlertView(alert.alert(), alert.severity(), alert.labels(), alert.summary(),
                    Json.time(alert.since()));
        }
    }

    public List<Route> routes() {
        return List.of(Route.route("GET", "/api/v1/alerts", "listAlerts")
                .summary("Alerts firing on this server node, oldest first; empty when alerting is off")
                .access(Access.ADMIN)
                .response(200, BodyShape.listOf(AlertView.class))
                .handler(this::list));
    }

    private CompletableFuture<AdminResponse> list(Call call) {
        return CompletableFuture.completedFuture(Json.response(200,
                liveServer.alerts().stream().map(AlertView::of).toList()));
    }
}
