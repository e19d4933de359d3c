package dev.portway.server.control;

import dev.portway.monitor.TunnelMetrics;
import dev.portway.server.auth.AuthFailureThrottle;
import dev.portway.server.auth.Authenticator;
import dev.portway.server.tcp.TcpTunnelBinder;

import java.time.Duration;

/** What every client session on this server shares. */
record ControlContext(
        Authenticator authenticator,
        AuthFailureThrottle throttle,
        SessionRegistry registry,
        TcpTunnelBinder tcpBinder,
        String publicHost,
        Duration handshakeTimeout,
        TunnelMetrics metrics,
        SessionHooks hooks) {
}
