package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** The client's tunnels, sent after a successful {@link Auth} and again after every reconnect. */
public record TunnelRegister(@JsonProperty(required = true) List<TunnelSpec> tunnels) implements ControlMessage {
    public TunnelRegister {
        tunnels = List.copyOf(tunnels);
    }
}
