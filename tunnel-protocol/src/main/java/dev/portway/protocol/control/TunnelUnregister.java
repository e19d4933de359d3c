package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** Tunnels the client gives up; the server closes their listeners and open streams. */
public record TunnelUnregister(@JsonProperty(required = true) List<String> names) implements ControlMessage {
    public TunnelUnregister {
        names = List.copyOf(names);
    }
}
