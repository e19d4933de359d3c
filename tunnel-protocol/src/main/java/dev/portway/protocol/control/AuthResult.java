package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The server's answer to {@link Auth}: either a session, or a reason the client shows to its user. */
public record AuthResult(@JsonProperty(required = true) boolean ok, String clientId, String sessionId, String reason)
        implements ControlMessage {

    public static AuthResult accepted(String clientId, String sessionId) {
        return new AuthResult(true, clientId, sessionId, null);
    }

    public static AuthResult refused(String reason) {
        return new AuthResult(false, null, null, reason);
    }
}
