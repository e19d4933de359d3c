package dev.portway.monitor;

/** Why a client was not let in. */
public enum AuthFailureReason {
    INVALID_TOKEN,
    /** The client id belongs to a connected client of another user. */
    CLIENT_ID_IN_USE,
    /** A malformed AUTH, such as a client id with forbidden characters. */
    MALFORMED,
    /** TLS, HELLO and AUTH did not complete within the handshake timeout. */
    HANDSHAKE_TIMEOUT,
    /** The authenticator itself failed. */
    UNAVAILABLE,
    /** Too many connections, or handshakes in progress, from the client's address ({@code limits}). */
    SOURCE_LIMIT,
    /** The client's address is outside {@code access.controlAllow} or inside {@code access.deny}. */
    ADDRESS_DENIED,
    /** The user has as many sessions as {@code limits.sessionsPerUser} (or its plan's clientsPerUser) allows. */
    SESSION_LIMIT,
    /** The user's plan locks it out for now: traffic allowance used under a suspending plan, or access expired. */
    PLAN;

    public String label() {
        return LabelValue.of(this);
    }
}
