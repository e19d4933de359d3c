package dev.portway.protocol.frame;

/**
 * Frame types and the rules that hold for each regardless of connection state: which stream ids it may use,
 * which flags it may carry and how long its payload may be. Stateful rules live in the multiplexer.
 */
public enum FrameType {
    /** A JSON control message on stream 0. */
    CONTROL(0, StreamScope.CONNECTION, 0, -1),
    /** Opens a data stream; the payload is the JSON {@code OpenStream} (tunnel name, public peer). */
    OPEN(1, StreamScope.STREAM, 0, -1),
    /** Stream bytes. Flag {@link Frame#FLAG_CREDIT_EXHAUSTED} says the sender still had bytes but no credit. */
    DATA(2, StreamScope.STREAM, Frame.FLAG_CREDIT_EXHAUSTED, -1),
    /** Returns credit: a 4-byte increment, 1 to 2^31-1. */
    WINDOW_UPDATE(3, StreamScope.STREAM, 0, 4),
    /** Half-closes the sender's direction of a stream; every byte sent before it is delivered. */
    FIN(4, StreamScope.STREAM, 0, 0),
    /** Aborts a stream: a 4-byte error code, then an optional UTF-8 reason. */
    RST(5, StreamScope.STREAM, 0, -1),
    /** Keep-alive probe: 8 bytes the peer echoes in PONG. */
    PING(6, StreamScope.CONNECTION, 0, 8),
    PONG(7, StreamScope.CONNECTION, 0, 8),
    /** One UDP datagram; the stream id field carries the flow id. */
    DATAGRAM(8, StreamScope.STREAM, 0, -1),
    /** The sender is closing the connection: JSON {@code GoAway} with a reason code and text. */
    GOAWAY(9, StreamScope.CONNECTION, 0, -1);

    /** Whether a type belongs to the connection (stream id 0) or to one stream (stream id above 0). */
    public enum StreamScope { CONNECTION, STREAM }

    private static final FrameType[] BY_CODE = values();

    private final byte code;
    private final StreamScope scope;
    private final int allowedFlags;
    private final int fixedLength;

    FrameType(int code, StreamScope scope, int allowedFlags, int fixedLength) {
        this.code = (byte) code;
        this.scope = scope;
        this.allowedFlags = allowedFlags;
        this.fixedLength = fixedLength;
    }

    public byte code() {
        return code;
    }

    public StreamScope scope() {
        return scope;
    }

    public boolean allowsFlags(int flags) {
        return (flags & ~allowedFlags) == 0;
    }

    /** The payload length this type must have, or -1 when it varies. */
    public int fixedLength() {
        return fixedLength;
    }

    /** The type for a wire code, or null when the code is unknown. */
    public static FrameType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
