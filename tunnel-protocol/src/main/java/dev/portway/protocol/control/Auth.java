package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Client credentials. {@code clientId} is stable across reconnects of one client so the server can hand the
 * old session's tunnels to the new connection at once (session takeover).
 */
public record Auth(@JsonProperty(required = true) String token, String clientId) implements ControlMessage {
    @Override
    public String toString() {
        return "Auth[token=" + Tokens.redact(token) + ", clientId=" + clientId + "]";
    }
}
