package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Set;

/**
 * The server's answer to {@link Auth}: either a session, or a reason the client shows to its user.
 *
 * <p>A refusal that is not the client's fault and ends by itself (a plan's traffic allowance used up) says when the
 * client should ask again ({@code retryAfterSeconds}) and, when known, when it lifts on its own ({@code liftsAt}, an
 * ISO-8601 instant); the client waits that long instead of backing off and does not treat the refusal as an error
 * of its configuration. Both are absent from every other answer, and older peers ignore them.
 *
 * <p>{@code error} names the kind of refusal for programs, as the server's {@code portway_auth_failures_total}
 * reason label does ({@code invalid_token}, {@code malformed}, {@code client_id_in_use}, {@code session_limit},
 * {@code unavailable}, {@code plan}); older servers send none, and older clients ignore it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuthResult(@JsonProperty(required = true) boolean ok, String clientId, String sessionId, String reason,
                         Long retryAfterSeconds, String liftsAt, String error) implements ControlMessage {
    /** The token is unknown, revoked, or its user is suspended or deleted. */
    public static final String INVALID_TOKEN = "invalid_token";
    /** The AUTH itself is unacceptable, such as a client id with forbidden characters. */
    public static final String MALFORMED = "malformed";
    public static final String PLAN = "plan";
    /** Refusals that asking again unchanged can never turn into a session: only the client's user can fix them. */
    private static final Set<String> PERMANENT = Set.of(INVALID_TOKEN, MALFORMED);

    public static AuthResult accepted(String clientId, String sessionId) {
        return new AuthResult(true, clientId, sessionId, null, null, null, null);
    }

    /** @param error the kind of refusal, one of the reason labels listed above */
    public static AuthResult refused(String reason, String error) {
        return new AuthResult(false, null, null, reason, null, null, error);
    }

    /** @param liftsAt ISO-8601 instant, or null when it does not end by itself */
    public static AuthResult suspended(String reason, long retryAfterSeconds, String liftsAt) {
        return new AuthResult(false, null, null, reason, retryAfterSeconds, liftsAt, PLAN);
    }

    /**
     * Whether this refusal stands however often the client asks again: a wrong token or a malformed AUTH. A refusal
     * with {@code retryAfterSeconds} never is (the server says when to ask again), and neither is one from an older
     * server without {@code error}, since nothing says what it was.
     */
    @JsonIgnore
    public boolean permanent() {
        return !ok && retryAfterSeconds == null && error != null && PERMANENT.contains(error);
    }
}
