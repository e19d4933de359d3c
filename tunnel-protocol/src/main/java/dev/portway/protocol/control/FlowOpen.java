package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Server to client: a new UDP flow, sent before the flow's first DATAGRAM frame (control frames overtake queued
 * datagrams, so it always arrives first). The client answers nothing; it opens a local socket for the flow.
 *
 * @param flow   the id the flow's DATAGRAM frames carry in their stream-id field; positive, unique among the
 *               session's live flows
 * @param tunnel the udp tunnel the flow belongs to
 * @param peer   the public peer, {@code ip:port}
 */
public record FlowOpen(
        @JsonProperty(required = true) int flow,
        @JsonProperty(required = true) String tunnel,
        @JsonProperty(required = true) String peer) implements ControlMessage {

    public FlowOpen {
        if (flow <= 0) {
            throw new IllegalArgumentException("flow must be positive, got " + flow);
        }
    }
}
