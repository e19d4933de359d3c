package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * First message each way. Each side states the limits it accepts from the other: the largest frame payload it
 * decodes and how many streams the peer may have open at once. A field left out means the protocol default.
 * {@code capabilities} names the optional behaviours the sender implements; unknown names are ignored.
 */
public record Hello(
        @JsonProperty(required = true) int protocolVersion,
        String softwareVersion,
        List<String> capabilities,
        int maxFramePayload,
        int maxConcurrentStreams) implements ControlMessage {

    /** Answers a graceful GOAWAY with a GOAWAY of its own, so the side going away knows when no OPEN is in flight. */
    public static final String GOAWAY_ACK = "goaway_ack";
    /** A server that takes {@code tunnel_result} from a client as its answer to a {@code tunnel_push} it declines. */
    public static final String PUSH_DECLINE = "push_decline";
    /** A client that answers {@code move} by taking its session over on another node (docs/cluster.md). */
    public static final String MOVE = "move";
    /** What this version announces; a peer that does not list one of these behaves as before it existed. */
    public static final List<String> CAPABILITIES = List.of(GOAWAY_ACK, PUSH_DECLINE, MOVE);

    public Hello {
        capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
    }
}
