package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The server's answer to {@link Auth}: either a session, or a reason the client shows to its user.
 *
 * <p>A refusal that is not the client's fault and ends by itself (a plan's traffic allowance used up) says when the
 * client should ask again ({@code retryAfterSeconds}) and, when known, when it lifts on its own ({@code liftsAt}, an
 * ISO-8601 instant); the client waits that long instead of backing off and does not treat the refusal as an error
 * of its configuration. Both are absent from every other answer, and older peers ignore them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuthResult(@JsonProperty(required = true) boolean ok, String clientId, String sessionId, String reason,
                         Long retryAfterSeconds, String liftsAt) implements ControlMessage {

    public static AuthResult accepted(String clientId, String sessionId) {
        return new AuthResult(true, clientId, sessionId, null, null, null);
    }

    public static AuthResult refused(String reason) {
        return new AuthResult(false, null, null, reason, null, null);
    }

    /** @param liftsAt ISO-8601 instant, or null when it does not end by itself */
    public static AuthResult suspended(String reason, long retryAfterSeconds, String liftsAt) {
        return new AuthResult(false, null, null, reason, retryAfterSeconds, liftsAt);
    }
}
