package dev.portway.admin.sessions;

import dev.portway.admin.LiveServerView;
import dev.portway.admin.LiveSession;
import dev.portway.admin.audit.Auditor;
import dev.portway.admin.auth.Operator;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.Route;
import dev.portway.admin.problem.ApiException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Client sessions connected to this node, from the live server; a user key sees and ends only its own. */
public final class SessionRoutes {
    private final LiveServerView liveServer;
    private final Auditor auditor;

    public SessionRoutes(LiveServerView liveServer, Auditor auditor) {
        this.liveServer = liveServer;
        this.auditor = auditor;
    }

    public record SessionView(String id, String clientId, long userId, long tokenId, String remoteAddress,
                              String connectedAt, List<String> tunnels, Double rttMillis) {
        static SessionView of(LiveSession session) {
            return new SessionView(session.id(), session.clientId(), session.userId(), session.tokenId(),
                    session.remoteAddress(), Json.time(session.connectedAt()), session.tunnels(),
                    session.rtt() == null ? null : session.rtt().toNanos() / 1e6);
        }
    }

    public List<Route> routes() {
        return List.of(
                Route.route("GET", "/api/v1/sessions", "listSessions")
                        .summary("Client sessions connected to this server node")
                        .response(200, BodyShape.listOf(SessionView.class))
                        .handler(this::list),
                Route.route("DELETE", "/api/v1/sessions/{sessionId}", "disconnectSession")
                        .summary("Disconnect a client session (the client reconnects unless its token is revoked)")
                        .response(204, BodyShape.NONE)
                        .errors(404)
                        .handler(this::disconnect));
    }

    private CompletableFuture<AdminResponse> list(Call call) {
        Operator operator = call.operator();
        List<SessionView> sessions = liveServer.sessions().stream()
                .filter(s -> operator.mayAccess(s.userId()))
                .map(SessionView::of)
                .toList();
        return CompletableFuture.completedFuture(Json.response(200, sessions));
    }

    private CompletableFuture<AdminResponse> disconnect(Call call) {
        String id = call.pathParameter("sessionId");
        LiveSession session = liveServer.sessions().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> ApiException.notFound("No session " + id + " on this node"));
        call.operator().requireOwnerOrAdmin(session.userId(), "Session " + id);
        if (!liveServer.disconnect(id)) {
            throw ApiException.notFound("Session " + id + " has already ended");
        }
        return auditor.record(call.operator(), "session.disconnect", "session:" + id,
                        Map.of("userId", session.userId(), "clientId", session.clientId()))
                .thenApply(ignored -> AdminResponse.noContent());
    }
}
