package dev.portway.server.tunnel;

import java.util.concurrent.CompletionStage;

/**
 * Reads again, from the database, where this node forwards the tunnels of clients connected to other nodes: for a
 * public connection or request that the node it was forwarded to refused (its picture was stale), which is then
 * tried once more where the refreshed picture points.
 */
@FunctionalInterface
public interface RouteRefresh {
    /** Completes once a picture read after this call is in place (or the attempt failed, which changes nothing). */
    CompletionStage<Void> refreshed();
}
