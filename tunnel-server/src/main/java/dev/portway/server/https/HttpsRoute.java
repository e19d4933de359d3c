package dev.portway.server.https;

import dev.portway.server.tunnel.TunnelConnections;

/** How the https listener serves one host name, as the http tunnel serving that host asked ({@code https:}). */
public sealed interface HttpsRoute {
    /** The server terminates TLS with its certificate for the host, then serves the decrypted HTTP. */
    record Terminate() implements HttpsRoute {
    }

    /** The raw TLS bytes go to the tunnel's client as one stream; its local service holds the certificate. */
    record Passthrough(TunnelConnections tunnel) implements HttpsRoute {
    }

    HttpsRoute TERMINATE = new Terminate();
}
