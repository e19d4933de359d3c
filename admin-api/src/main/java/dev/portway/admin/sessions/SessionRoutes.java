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

/**
 * Client sessions, from the live server: of this node, or of every node of its cluster, each with the node that holds
 * it. A user key sees and ends only its own.
 */
public final class SessionRoutes {
    private final LiveServerView liveServer;
    private final Auditor auditor;

    public SessionRoutes(LiveServerView liveServer, Auditor auditor) {
        this.liveServer = liveServer;
        this.auditor = auditor;
    }

    /** @param node the cluster node holding the session; null on a server that is not part of a cluster */
    public record SessionView(String id, String clientId, long userId, long tokenId, String remoteAddress,
                              String connectedAt, List<String> tunnels, Double rttMillis, String node) {
        static SessionView of(LiveSession session) {
            return new SessionView(session.id(), session.clientId(), session.userId(), session.tokenId(),
                    session.remoteAddress(), Json.time(session.connectedAt()), session.tunnels(),
                    session.rtt() == null ? null : session.rtt().toNanos() / 1e6, session.node());
        }
    }

    public List<Route> routes() {
        return List.of(
                Route.route("GET", "/api/v1/sessions", "listSessions")
                        .summary("Client sessions connected to this server node, or to any node of its cluster")
                        .response(200, BodyShape.listOf(SessionView.class))
                        .handler(this::list),
                Route.route("DELETE", "/api/v1/sessions/{sessionId}", "disconnectSession")
                        .summary("Disconnect a client session (the client reconnects unless its token is revoked);"
                                + " 202 when another node of the cluster holds it and was asked to")
                        .response(204, BodyShape.NONE)
                        .response(202, BodyShape.NONE)
                        .errors(404)
                        .handler(this::disconnect));
    }

    private CompletableFuture<AdminResponse> list(Call call) {
        Operator operator = call.operator();
        return liveServer.clusterSessions().thenApply(all -> Json.response(200, all.stream()
                .filter(s -> operator.mayAccess(s.userId()))
                .map(SessionView::of)
                .toList()));
    }

    private CompletableFuture<AdminResponse> disconnect(Call call) {
        String id = call.pathParameter("sessionId");
        return liveServer.clusterSessions().thenCompose(all -> {
            LiveSession session = all.stream().filter(s -> s.id().equals(id)).findFirst()
                    .orElseThrow(() -> ApiException.notFound("No session " + id + " is connected"));
            call.operator().requireOwnerOrAdmin(session.userId(), "Session " + id);
            return liveServer.end(id).thenCompose(ending -> {
                if (ending == LiveServerView.Ending.NOT_CONNECTED) {
                    throw ApiException.notFound("Session " + id + " has already ended");
                }
                Map<String, Object> detail = new java.util.LinkedHashMap<>();
                detail.put("userId", session.userId());
                detail.put("clientId", session.clientId());
                if (session.node() != null) {
                    detail.put("node", session.node());
                }
                return auditor.record(call.operator(), "session.disconnect", "session:" + id, detail)
                        .thenApply(ignored -> ending == LiveServerView.Ending.HERE ? AdminResponse.noContent()
                                : new AdminResponse(202, Map.of(), new byte[0]));
            });
        });
    }
}
