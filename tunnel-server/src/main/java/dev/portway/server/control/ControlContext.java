package dev.portway.server.control;

import dev.portway.monitor.TunnelMetrics;
import dev.portway.server.claims.NameClaims;
import dev.portway.server.auth.AuthFailureThrottle;
import dev.portway.server.auth.Authenticator;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.plans.UserAccounts;
import dev.portway.server.tunnel.TunnelBinder;

import java.time.Duration;
import java.util.Map;

/** What every client session on this server shares. */
record ControlContext(
        Authenticator authenticator,
        AuthFailureThrottle throttle,
        SessionRegistry registry,
        Map<TunnelType, TunnelBinder> binders,
        String publicHost,
        Duration handshakeTimeout,
        TunnelMetrics metrics,
        SessionHooks hooks,
        UserAccounts accounts,
        NameClaims claims,
        SessionLedger ledger,
        OtherNodes otherNodes) {
}
