package dev.portway.protocol.mux;

import java.time.Duration;

/**
 * Limits and timings of one multiplexed connection. The defaults are the protocol's: both peers assume them
 * until HELLO says otherwise.
 *
 * @param maxFramePayload largest payload this side decodes; also the largest DATA payload the peer may send
 * @param maxConcurrentStreams streams the peer may have open towards this side at once
 * @param initialWindow receive window every stream starts with: the protocol's 256 KiB, which both peers assume,
 *        or more, which this side grants the peer with a WINDOW_UPDATE as the stream opens
 * @param maxWindow the most one stream's receive window grows to
 * @param connectionWindowBudget growth stops once the windows of all streams on the connection add up to this
 * @param pingInterval how often a keep-alive PING is sent
 * @param missedPings intervals of silence after which the peer is declared dead and the carrier closed
 * @param softwareVersion shown to the peer in HELLO
 */
public record SessionSettings(
        int maxFramePayload,
        int maxConcurrentStreams,
        int initialWindow,
        int maxWindow,
        long connectionWindowBudget,
        Duration pingInterval,
        int missedPings,
        String softwareVersion) {

    public static final int PROTOCOL_VERSION = 1;
    public static final int DEFAULT_MAX_FRAME_PAYLOAD = 64 * 1024;
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 16_384;
    public static final int DEFAULT_INITIAL_WINDOW = 256 * 1024;
    /**
     * Twice the largest receive buffer Linux lets a TCP connection grow to on hosts tuned for long links (32 MiB),
     * so a stream's window is never what limits it where a plain TCP connection would not be: the window must cover
     * the bytes on the link plus those waiting in the socket buffers at both ends. See docs/protocol.md.
     */
    public static final int DEFAULT_MAX_WINDOW = 64 * 1024 * 1024;
    /** Room for two streams at the largest window, or many smaller ones. */
    public static final long DEFAULT_CONNECTION_WINDOW_BUDGET = 128L * 1024 * 1024;
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_MISSED_PINGS = 3;

    public SessionSettings {
        require(maxFramePayload >= 1024 && maxFramePayload <= 16 * 1024 * 1024, "maxFramePayload", maxFramePayload);
        require(maxConcurrentStreams >= 1, "maxConcurrentStreams", maxConcurrentStreams);
        require(initialWindow >= maxFramePayload, "initialWindow (at least maxFramePayload)", initialWindow);
        // Every peer starts a stream with the protocol's credit; a smaller window could not take what it sends.
        require(initialWindow >= DEFAULT_INITIAL_WINDOW, "initialWindow (at least " + DEFAULT_INITIAL_WINDOW + ")",
                initialWindow);
        require(maxWindow >= initialWindow, "maxWindow (at least initialWindow)", maxWindow);
        require(connectionWindowBudget >= maxWindow, "connectionWindowBudget (at least maxWindow)", connectionWindowBudget);
        require(!pingInterval.isNegative() && !pingInterval.isZero(), "pingInterval", pingInterval);
        require(missedPings >= 1, "missedPings", missedPings);
    }

    public static SessionSettings defaults(String softwareVersion) {
        return new SessionSettings(DEFAULT_MAX_FRAME_PAYLOAD, DEFAULT_MAX_CONCURRENT_STREAMS, DEFAULT_INITIAL_WINDOW,
                DEFAULT_MAX_WINDOW, DEFAULT_CONNECTION_WINDOW_BUDGET, DEFAULT_PING_INTERVAL, DEFAULT_MISSED_PINGS,
                softwareVersion);
    }

    public SessionSettings withKeepAlive(Duration interval, int missed) {
        return new SessionSettings(maxFramePayload, maxConcurrentStreams, initialWindow, maxWindow,
                connectionWindowBudget, interval, missed, softwareVersion);
    }

    public SessionSettings withMaxConcurrentStreams(int streams) {
        return new SessionSettings(maxFramePayload, streams, initialWindow, maxWindow,
                connectionWindowBudget, pingInterval, missedPings, softwareVersion);
    }

    public SessionSettings withWindows(int initial, int max, long budget) {
        return new SessionSettings(maxFramePayload, maxConcurrentStreams, initial, max, budget, pingInterval,
                missedPings, softwareVersion);
    }

    private static void require(boolean ok, String field, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("invalid session setting " + field + ": " + value);
        }
    }
}
