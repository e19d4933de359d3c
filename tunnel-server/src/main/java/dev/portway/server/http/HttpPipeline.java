package dev.portway.server.http;

/**
 * Names of the handlers {@link HttpFrontend} adds to a public connection, in pipeline order. An HTTPS listener puts
 * its TLS handler before {@link #THROTTLE}. An HTTP/2 connection has {@link #THROTTLE}, then the {@code HTTP2_*}
 * handlers; each of its streams is a channel of its own with {@link #STREAM_ERRORS}, {@link #STREAM_CODEC},
 * {@link #STREAM_HEADS}, {@link #CLOCK} and {@link #PROXY}.
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
    /** {@code IdleStateHandler}: tells an HTTP/2 connection it was idle for {@code http.idleTimeout}. */
    public static final String HTTP2_IDLE = "http2-idle";
    /** {@code Http2FrameCodec}: bytes to HTTP/2 frames, with the limits of {@code http.http2}. */
    public static final String HTTP2_CODEC = "http2-codec";
    /** {@code Http2MultiplexHandler}: a child channel per stream. */
    public static final String HTTP2_STREAMS = "http2-streams";
    /** Closes an HTTP/2 connection idle with no stream open ({@link Http2Connection}). */
    public static final String HTTP2_IDLE_CLOSE = "http2-idle-close";
    /** On an HTTP/2 stream, first: resets it with the code of a stream error ({@link Http2StreamErrors}). */
    public static final String STREAM_ERRORS = "http2-stream-errors";
    /** On an HTTP/2 stream: its frames to HTTP messages and back. */
    public static final String STREAM_CODEC = "http2-stream-codec";
    /** On an HTTP/2 stream: drops what the stream's codec adds to each request for its own use. */
    public static final String STREAM_HEADS = "http2-stream-heads";
    /** {@link HttpProxyHandler}: routes each request and carries it over a stream to the tunnel's client. */
    public static final String PROXY = "http-proxy";

    private HttpPipeline() {
    }
}
