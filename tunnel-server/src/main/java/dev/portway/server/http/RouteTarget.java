package dev.portway.server.http;

/**
 * What a route of the {@link HttpVhostRouter} leads to: one http tunnel today, later a load-balancing group whose
 * members share the route. Each public request asks again, so a group can spread requests over its members.
 *
 * <p>Threading: any thread.
 */
public interface RouteTarget {
    /** The tunnel to carry the next request, or null when no member can take it now. */
    HttpTunnel pick();
}
