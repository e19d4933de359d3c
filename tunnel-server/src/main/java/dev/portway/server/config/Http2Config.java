package dev.portway.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * HTTP/2 on the public web ports: always offered by ALPN on terminated HTTPS, optionally with prior knowledge
 * (h2c) on the plain HTTP port, and the limits every HTTP/2 connection runs under. The header list is bounded by
 * {@code http.maxHeaderSize}, as an HTTP/1.1 header block is.
 *
 * @param cleartext            whether the plain HTTP port takes HTTP/2 with prior knowledge; off, because a plain
 *                             port in front of browsers never sees it and a proxy in front may not expect it
 * @param maxConcurrentStreams streams one connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS); more
 *                             are refused with RST_STREAM REFUSED_STREAM
 * @param initialWindowSize    each stream's receive window (SETTINGS_INITIAL_WINDOW_SIZE): what a peer may send on a
 *                             stream before the tunnel has taken it
 * @param maxResets            streams a peer may reset within {@code resetWindow} before the connection is closed
 *                             with GOAWAY ENHANCE_YOUR_CALM (rapid reset, CVE-2023-44487)
 * @param resetWindow          the window {@code maxResets} counts in
 * @param maxQueuedControlFrames answers to SETTINGS, PING and RST_STREAM the peer does not read, above which the
 *                             connection is closed (SETTINGS and PING floods)
 */
public record Http2Config(boolean cleartext, int maxConcurrentStreams, int initialWindowSize, int maxResets,
                         Duration resetWindow, int maxQueuedControlFrames) {
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;
    /** The tunnel's own initial stream window: an h2 upload is not held back more than an HTTP/1.1 one. */
    public static final int DEFAULT_INITIAL_WINDOW_SIZE = 256 * 1024;
    public static final int DEFAULT_MAX_RESETS = 200;
    public static final Duration DEFAULT_RESET_WINDOW = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_QUEUED_CONTROL_FRAMES = 10_000;
    /** RFC 9113 section 6.9.1: a window above 2^31-1 is a flow-control error. */
    public static final int MAX_WINDOW_SIZE = Integer.MAX_VALUE;
    public static final Http2Config DEFAULTS = new Http2Config(false, DEFAULT_MAX_CONCURRENT_STREAMS,
            DEFAULT_INITIAL_WINDOW_SIZE, DEFAULT_MAX_RESETS, DEFAULT_RESET_WINDOW, DEFAULT_MAX_QUEUED_CONTROL_FRAMES);

    public Http2Config {
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("http.http2.maxConcurrentStreams below 1: " + maxConcurrentStreams);
        }
        if (initialWindowSize < 65_535) {
            throw new IllegalArgumentException("http.http2.initialWindowSize below 65535: " + initialWindowSize);
        }
        if (maxResets < 1) {
            throw new IllegalArgumentException("http.http2.maxResets below 1: " + maxResets);
        }
        Objects.requireNonNull(resetWindow, "resetWindow");
        if (resetWindow.toSeconds() < 1) {
            throw new IllegalArgumentException("http.http2.resetWindow below 1s: " + resetWindow);
        }
        if (maxQueuedControlFrames < 1) {
            throw new IllegalArgumentException("http.http2.maxQueuedControlFrames below 1: " + maxQueuedControlFrames);
        }
    }
}
