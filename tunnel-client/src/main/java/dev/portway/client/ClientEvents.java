package dev.portway.client;

import dev.portway.client.config.ServerAddress;
import dev.portway.protocol.control.TunnelResult;

import java.util.List;

/**
 * What a running client reports about itself: the command line prints it, tests wait on it. Called on the
 * client's event loop; implementations return quickly.
 */
public interface ClientEvents {
    /**
     * The server answered a registration; one status per configured tunnel.
     *
     * @param server the address of the list this session is on
     */
    default void onRegistered(ServerAddress server, List<TunnelResult.Status> statuses) {
    }

    /** The server refused the token or the client id. */
    default void onAuthRefused(String reason) {
    }

    /**
     * The server refused the user for a while (its plan's allowance used, or expired); the client asks again after
     * {@code retryMillis}.
     *
     * @param liftsAt when it ends by itself (ISO-8601), or null
     */
    default void onSuspended(String reason, String liftsAt, long retryMillis) {
    }

    /** A tunnel's health check took it down (unregistered) or brought it back (registered again). */
    default void onHealthChanged(String tunnel, boolean healthy) {
    }

    /** The connection ended; the client retries after {@code retryMillis}, or not at all when negative. */
    default void onDisconnected(String reason, long retryMillis) {
    }
}
