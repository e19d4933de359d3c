package dev.portway.server.https;

import java.util.Optional;

/**
 * The https listener's view of the http tunnels' host names: which route serves a host name read from SNI.
 *
 * <p>Threading: called on event loops for every new connection; must not block.
 */
@FunctionalInterface
public interface HttpsRoutes {
    /** The route for {@code host} (lower case, without a trailing dot), or empty when no tunnel serves it. */
    Optional<HttpsRoute> find(String host);
}
