package dev.portway.server.control;

import dev.portway.server.auth.Principal;
import dev.portway.storage.sessions.Holdings;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a user holds on the other nodes of a cluster: its plan's client and tunnel counts add it to what the user
 * holds on this node. A single node has no others ({@link #NONE}) and counts in memory alone, as always.
 *
 * <p>Threading: called on session event loops; implementations never block.
 */
public interface OtherNodes {
    OtherNodes NONE = (user, clientId) -> CompletableFuture.completedFuture(Holdings.NONE);

    /**
     * Completes with what {@code user} holds elsewhere, leaving out a session of {@code clientId} (which that client,
     * connecting here, takes over); fails when it cannot be known.
     */
    CompletionStage<Holdings> heldBy(Principal user, String clientId);
}
