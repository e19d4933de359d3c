package dev.portway.server.claims;

import dev.portway.protocol.control.TunnelSpec;
import dev.portway.server.auth.Principal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Which user owns the public names (hosts, ports) a tunnel asks for, beyond the tunnels online on this node: a name
 * stays its owner's while the owner is offline and on every node.
 */
public interface NameClaims {
    /** Without a database, ownership is what the router and port allocator hold in memory. */
    NameClaims NONE = (spec, principal) -> CompletableFuture.completedFuture(null);

    /**
     * Takes what {@code spec} needs for {@code principal}, or says why it cannot: a sentence for the client, or null
     * when nothing stands in the way. Never blocks the caller; fails only when ownership cannot be checked.
     */
    CompletionStage<String> refusal(TunnelSpec spec, Principal principal);
}
