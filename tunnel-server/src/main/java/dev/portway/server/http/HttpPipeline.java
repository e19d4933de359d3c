package dev.portway.server.http;

/**
 * Names of the handlers {@link HttpFrontend} adds to a public connection, in pipeline order. An HTTPS listener puts
 * its TLS handler before {@link #THROTTLE}.
 */
public final class HttpPipeline {
    /**
     * {@code BandwidthThrottle}: holds the connection to the bandwidth of the tunnel its current request goes to, and
     * of that tunnel's user; lets everything through until the first request is routed.
     */
    public static final String THROTTLE = "http-throttle";
    /** {@link RequestClock}: sees raw bytes, so it knows when a request begins; idle and header timeouts. */
    public static final String CLOCK = "http-clock";
    /** {@link PublicHttpCodec}: bytes to HTTP messages, with the proxy's framing rules. */
    public static final String CODEC = "http-codec";
    /** {@link HttpProxyHandler}: routes each request and carries it over a stream to the tunnel's client. */
    public static final String PROXY = "http-proxy";

    private HttpPipeline() {
    }
}
