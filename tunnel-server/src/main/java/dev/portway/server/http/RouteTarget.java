package dev.portway.server.http;

import java.util.List;

/**
 * What a route of the {@link HttpVhostRouter} leads to: one http tunnel, or a load-balancing group whose members
 * share the route. Each public request asks again, so a group can spread requests over its members.
 *
 * <p>Threading: any thread.
 */
public interface RouteTarget {
    /** The tunnel to carry the next request, or null when no member can take it now. */
    HttpTunnel pick();

    /**
     * The tunnel to carry the next request of a public connection whose previous request went to {@code current}
     * (null for its first request); a target may keep the connection where it is.
     */
    default HttpTunnel pick(HttpTunnel current) {
        return pick();
    }

    /** A tunnel other than those in {@code refused}, which did not serve the current request; null if none. */
    default HttpTunnel pickInstead(List<HttpTunnel> refused) {
        return null;
    }
}
