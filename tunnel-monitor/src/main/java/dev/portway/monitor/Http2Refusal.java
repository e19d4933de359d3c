package dev.portway.monitor;

/**
 * Why the server refused part of a public HTTP/2 connection: a stream (RST_STREAM) or the whole connection (GOAWAY)
 * with an error code. Streams the server itself cancels (the request's tunnel stream ended) are not refusals.
 */
public enum Http2Refusal {
    /** The peer reset more streams than {@code http.http2.maxResets} allows in its window (CVE-2023-44487). */
    RAPID_RESET,
    /** A header block split into a flood of small CONTINUATION frames. */
    CONTINUATION_FLOOD,
    /** The peer did not read the answers to its SETTINGS, PING or RST_STREAM frames (a control frame flood). */
    CONTROL_FLOOD,
    /** A header list above {@code http.maxHeaderSize}. */
    HEADER_LIST_SIZE,
    /** A stream beyond {@code http.http2.maxConcurrentStreams}: RST_STREAM REFUSED_STREAM. */
    CONCURRENT_STREAMS,
    /** The peer sent more than a stream's or the connection's window. */
    FLOW_CONTROL,
    /** Any other violation of HTTP/2: malformed frames or headers, stream ids out of order, empty DATA floods. */
    PROTOCOL_ERROR;

    public String label() {
        return LabelValue.of(this);
    }
}
