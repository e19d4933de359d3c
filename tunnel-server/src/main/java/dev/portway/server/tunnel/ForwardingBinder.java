package dev.portway.server.tunnel;

import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.auth.Principal;

import java.util.concurrent.CompletionStage;

/**
 * Opens, on this node, the public side of a tunnel whose client is connected to another node of the cluster: the
 * same port or routes as there, with the tunnel's own rules and limits, its public connections carried as streams
 * over the link to that node.
 */
public interface ForwardingBinder {
    /**
     * @param spec   the tunnel as its client asked for it, with the port it holds there (never 0)
     * @param link   the link to the node holding the client; its streams carry the tunnel's connections
     * @param holder  the id of the client's session on that node, named in every stream's OPEN
     * @param refresh what a request refused over the link waits for before it is tried once more
     */
    CompletionStage<PublicTunnel> forward(TunnelSpec spec, TunnelSession link, Principal principal, String holder,
                                          RouteRefresh refresh);
}
