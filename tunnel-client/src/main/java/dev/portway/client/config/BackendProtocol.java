package dev.portway.client.config;

/**
 * What an http tunnel speaks to its local service ({@code backendProtocol}). The tunnel itself always carries
 * HTTP/1.1; with {@link #H2C} or {@link #H2} the client turns each request into a stream on a pooled HTTP/2
 * connection, so a gRPC server (which needs HTTP/2 and trailers) can sit behind the tunnel.
 */
public enum BackendProtocol {
    /** The tunnel's bytes are relayed to the local service as they are: HTTP/1.1, WebSocket upgrades included. */
    HTTP1("http1"),
    /** HTTP/2 in clear with prior knowledge. */
    H2C("h2c"),
    /** HTTP/2 over TLS, negotiated by ALPN, verified as {@code backendTls} says. */
    H2("h2");

    private final String configName;

    BackendProtocol(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public boolean http2() {
        return this != HTTP1;
    }
}
