package dev.portway.server.tunnel;

import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.auth.Principal;

import java.util.concurrent.CompletionStage;

/** Opens the public side of tunnels of one type. */
public interface TunnelBinder {
    /**
     * Opens {@code spec}'s public side for {@code owner}. Fails with {@link TunnelRefusedException} (whose message
     * the client is shown) when the request cannot be served; any other failure is an internal error.
     */
    CompletionStage<PublicTunnel> open(TunnelSpec spec, TunnelSession owner, Principal principal);
}
