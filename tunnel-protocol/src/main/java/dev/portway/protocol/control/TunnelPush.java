package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/** A server-initiated change to the client's tunnels, for tunnels managed by an operator. */
public record TunnelPush(@JsonProperty(required = true) Action action, @JsonProperty(required = true) TunnelSpec tunnel)
        implements ControlMessage {

    public enum Action {
        ADD, REMOVE;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
