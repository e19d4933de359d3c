package dev.portway.server.https;

import dev.portway.server.tunnel.TunnelConnections;
import io.netty.handler.ssl.SslContext;

/** What the https listener does with one connection once its ClientHello's SNI is known. */
public sealed interface SniDecision {
    /** Close after a TLS alert; {@code reason} is for the debug log. */
    record Refuse(String reason) implements SniDecision {
    }

    /** Relay the raw bytes, ClientHello included, to the tunnel's client. */
    record Passthrough(TunnelConnections tunnel) implements SniDecision {
    }

    /** Terminate TLS with {@code context}, then serve the decrypted connection as HTTP with scheme https. */
    record Terminate(SslContext context) implements SniDecision {
    }

    /** Complete the handshake of a CA's TLS-ALPN-01 validation with {@code context}, then close. */
    record AnswerChallenge(SslContext context) implements SniDecision {
    }
}
