package dev.portway.server.plans;

import dev.portway.protocol.control.AuthResult;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a user's client may connect now, as its plan and usage say.
 *
 * @param reason     why not, as the client shows it; null when admitted
 * @param liftsAt    when a refusal ends by itself (the next usage period); null when it does not, or when admitted
 * @param retryAfter how soon a refused client asks again
 */
public record Admission(String reason, Instant liftsAt, Duration retryAfter) {
    public static final Admission ADMITTED = new Admission(null, null, null);

    public boolean admitted() {
        return reason == null;
    }

    /** The refusal as the client receives it. */
    public AuthResult refusal() {
        return AuthResult.suspended(reason, Math.max(1, retryAfter.toSeconds()),
                liftsAt == null ? null : liftsAt.toString());
    }
}
