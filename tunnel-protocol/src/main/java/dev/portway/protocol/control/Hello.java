package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * First message each way. Each side states the limits it accepts from the other: the largest frame payload it
 * decodes and how many streams the peer may have open at once. A field left out means the protocol default.
 */
public record Hello(
        @JsonProperty(required = true) int protocolVersion,
        String softwareVersion,
        List<String> capabilities,
        int maxFramePayload,
        int maxConcurrentStreams) implements ControlMessage {

    public Hello {
        capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
    }
}
