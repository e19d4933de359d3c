package dev.portway.server.https;

import dev.portway.server.http.HttpTunnel;
import dev.portway.server.http.HttpVhostRouter;
import dev.portway.server.http.RouteTarget;

import java.util.Optional;

/**
 * The https routes as the http tunnels' {@link HttpVhostRouter} holds them: the tunnel serving a host name's root
 * (or its only route) decides between passthrough and termination, which then routes each request by its Host
 * header and path like plain HTTP.
 *
 * <p>Threading: any thread; the router's look-ups do not lock.
 */
public final class VhostHttpsRoutes implements HttpsRoutes {
    private final HttpVhostRouter router;

    public VhostHttpsRoutes(HttpVhostRouter router) {
        this.router = router;
    }

    @Override
    public Optional<HttpsRoute> find(String host) {
        RouteTarget target = router.routeHost(host);
        HttpTunnel tunnel = target == null ? null : target.pick();
        if (tunnel == null) {
            return Optional.empty();
        }
        return Optional.of(tunnel.passthrough() != null
                ? new HttpsRoute.Passthrough(tunnel.passthrough())
                : HttpsRoute.TERMINATE);
    }
}
