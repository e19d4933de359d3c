package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Server to client: a UDP flow ended (idle for the server's timeout, or its tunnel closed). The client closes the
 * flow's local socket; datagrams for the id that were already in flight are dropped.
 */
public record FlowClose(@JsonProperty(required = true) int flow) implements ControlMessage {
    public FlowClose {
        if (flow <= 0) {
            throw new IllegalArgumentException("flow must be positive, got " + flow);
        }
    }
}
