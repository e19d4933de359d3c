package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One tunnel as the client asks for it. {@code remotePort} 0 lets the server pick a free allowed port.
 * {@code local} is set only on tunnels the server pushes; the client checks it against its own allow-list.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TunnelSpec(
        @JsonProperty(required = true) String name,
        @JsonProperty(required = true) TunnelType type,
        int remotePort,
        String local) {
}
