package dev.portway.admin;

import dev.portway.admin.claims.ClaimRoutes;
import dev.portway.admin.claims.ClaimSettings;
import dev.portway.admin.claims.DnsTxtLookup;

import dev.portway.admin.apikeys.ApiKeyRoutes;
import dev.portway.admin.audit.AuditRoutes;
import dev.portway.admin.audit.Auditor;
import dev.portway.admin.auth.Authenticator;
import dev.portway.admin.auth.Operator;
import dev.portway.admin.events.EventRoutes;
import dev.portway.admin.health.HealthRoutes;
import dev.portway.admin.http.Access;
import dev.portway.admin.http.AdminRequest;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Route;
import dev.portway.admin.http.Router;
import dev.portway.admin.openapi.OpenApiRoutes;
import dev.portway.admin.plans.PlanRoutes;
import dev.portway.admin.reload.ConfigReload;
import dev.portway.admin.reload.ReloadRoutes;
import dev.portway.admin.alerts.AlertRoutes;
import dev.portway.admin.certificates.CertificateRoutes;
import dev.portway.admin.nodes.NodeRoutes;
import dev.portway.admin.problem.ApiException;
import dev.portway.admin.problem.Problems;
import dev.portway.admin.sessions.SessionRoutes;
import dev.portway.admin.signin.CookieSessions;
import dev.portway.admin.signin.SignInRoutes;
import dev.portway.admin.tokens.TokenRoutes;
import dev.portway.admin.traffic.TrafficRoutes;
import dev.portway.admin.tunnels.TunnelRoutes;
import dev.portway.admin.usage.UsageRoutes;
import dev.portway.admin.users.UserRoutes;
import dev.portway.storage.Storage;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.CompletableFuture;

/**
 * The admin REST API, independent of any HTTP transport: a transport turns each HTTP request into an
 * {@link AdminRequest}, calls {@link #handle} and writes the {@link AdminResponse} back.
 *
 * <p><b>Threading:</b> {@link #handle} never blocks; call it from an event loop. The returned future usually completes
 * on a storage executor thread, so the transport must write the response in a thread-safe way (Netty's
 * {@code ctx.writeAndFlush} is). The future never completes exceptionally: every failure is a problem response.
 *
 * <p><b>Limits:</b> the transport should refuse bodies over {@link #MAX_BODY_BYTES} while reading (e.g. with
 * {@code HttpObjectAggregator(MAX_BODY_BYTES)} answering 413) so an oversized body is never buffered; this class
 * checks again and answers 413 itself.
 */
public final class AdminApi {
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    private final Router router;
    private final Authenticator authenticator;

    /**
     * @param storage    open storage; this class neither starts nor closes it
     * @param liveServer the running server's sessions and listeners on this node
     * @param pusher     hands tunnels created through the API to connected clients
     */
    public AdminApi(Storage storage, LiveServerView liveServer, TunnelPusher pusher) {
        this(storage, liveServer, pusher, Clock.systemUTC());
    }

    /** @param clock decides the hours of traffic series; tests fix it */
    public AdminApi(Storage storage, LiveServerView liveServer, TunnelPusher pusher, Clock clock) {
        this(storage, liveServer, pusher, clock, new ClaimSettings(null,
                new DnsTxtLookup(List.of(), ForkJoinPool.commonPool())));
    }

    /** @param claims the server's own domain and where domain proofs are looked up */
    public AdminApi(Storage storage, LiveServerView liveServer, TunnelPusher pusher, Clock clock,
                    ClaimSettings claims) {
        this(storage, liveServer, pusher, clock, claims, ConfigReload.NONE);
    }

    /** @param reload re-reads the server's configuration file for {@code POST /api/v1/reload} */
    public AdminApi(Storage storage, LiveServerView liveServer, TunnelPusher pusher, Clock clock,
                    ClaimSettings claims, ConfigReload reload) {
        Auditor auditor = new Auditor(storage.audit());
        CookieSessions sessions = new CookieSessions(clock::instant, CookieSessions.DEFAULT_LIFETIME,
                CookieSessions.DEFAULT_MAX_SESSIONS);
        this.authenticator = new Authenticator(storage.apiKeys(), sessions);
        List<Route> routes = new ArrayList<>();
        routes.addAll(new HealthRoutes(storage, liveServer).routes());
        routes.addAll(new UserRoutes(storage, auditor, liveServer).routes());
        routes.addAll(new TokenRoutes(storage, auditor, liveServer).routes());
        routes.addAll(new ApiKeyRoutes(storage, auditor).routes());
        routes.addAll(new TunnelRoutes(storage, auditor, pusher).routes());
        routes.addAll(new ClaimRoutes(storage, auditor, claims).routes());
        routes.addAll(new TrafficRoutes(storage, clock).routes());
        routes.addAll(new PlanRoutes(storage, auditor).routes());
        routes.addAll(new UsageRoutes(storage).routes());
        routes.addAll(new SessionRoutes(liveServer, auditor).routes());
        routes.addAll(new AuditRoutes(storage.audit()).routes());
        routes.addAll(new EventRoutes(liveServer, authenticator::authenticate).routes());
        routes.addAll(new ReloadRoutes(reload, auditor).routes());
        routes.addAll(new SignInRoutes(authenticator, sessions, auditor).routes());
        routes.addAll(new CertificateRoutes(liveServer, auditor).routes());
        routes.addAll(new AlertRoutes(liveServer).routes());
        routes.addAll(new NodeRoutes(storage.nodes()).routes());
        OpenApiRoutes openApi = new OpenApiRoutes(version());
        routes.addAll(openApi.routes());
        this.router = new Router(routes);
        openApi.describe(router.routes());
    }

    /** The route table that is both served and documented. */
    public List<Route> routes() {
        return router.routes();
    }

    public CompletableFuture<AdminResponse> handle(AdminRequest request) {
        try {
            Router.Match match = router.resolve(request.method(), request.path());
            if (request.body().length > MAX_BODY_BYTES) {
                throw ApiException.tooLarge(MAX_BODY_BYTES);
            }
            Route route = match.route();
            CompletableFuture<Operator> operator = route.access() == Access.PUBLIC
                    ? CompletableFuture.completedFuture(null)
                    : authenticator.authenticate(request);
            return operator
                    .thenCompose(op -> {
                        if (route.access() == Access.ADMIN) {
                            op.requireAdmin();
                        }
                        return route.handler().handle(new Call(request, route, match.parameters(), op));
                    })
                    .handle((response, failure) -> failure == null ? response : Problems.response(failure));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Problems.response(e));
        }
    }

    private static String version() {
        String version = AdminApi.class.getPackage().getImplementationVersion();
        return version != null ? version : "development";
    }
}
