package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** The server's answer to {@link TunnelRegister}: one status per tunnel, so one refusal spares the others. */
public record TunnelResult(@JsonProperty(required = true) List<Status> results) implements ControlMessage {
    public TunnelResult {
        results = List.copyOf(results);
    }

    /** One tunnel: accepted with the address the public reaches it at, or refused with a reason. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(
            @JsonProperty(required = true) String name,
            @JsonProperty(required = true) boolean accepted,
            String publicAddress,
            String reason) {

        public static Status accepted(String name, String publicAddress) {
            return new Status(name, true, publicAddress, null);
        }

        public static Status refused(String name, String reason) {
            return new Status(name, false, null, reason);
        }
    }
}
