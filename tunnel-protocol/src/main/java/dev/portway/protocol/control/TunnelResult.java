package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** The server's answer to {@link TunnelRegister}: one status per tunnel, so one refusal spares the others. */
public record TunnelResult(@JsonProperty(required = true) List<Status> results) implements ControlMessage {
    public TunnelResult {
        results = List.copyOf(results);
    }

    /**
     * One tunnel: accepted with the address the public reaches it at, or refused with a reason.
     *
     * @param alsoAt further addresses of the same tunnel, such as the {@code https://} URL of an http tunnel the
     *               server also serves over HTTPS; empty when there are none (and then left out of the JSON). Older
     *               servers never send it and older clients ignore it.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(
            @JsonProperty(required = true) String name,
            @JsonProperty(required = true) boolean accepted,
            String publicAddress,
            String reason,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> alsoAt) {

        public Status {
            alsoAt = alsoAt == null ? List.of() : List.copyOf(alsoAt);
        }

        public static Status accepted(String name, String publicAddress) {
            return accepted(name, publicAddress, List.of());
        }

        public static Status accepted(String name, String publicAddress, List<String> alsoAt) {
            return new Status(name, true, publicAddress, null, alsoAt);
        }

        public static Status refused(String name, String reason) {
            return new Status(name, false, null, reason, List.of());
        }
    }
}
