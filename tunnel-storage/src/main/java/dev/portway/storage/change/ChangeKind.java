package dev.portway.storage.change;

/** What a change event invalidates; the wire name is the prefix of a NOTIFY payload. */
public enum ChangeKind {
    /** A client token changed (revoked); key: the token's SHA-256 in hex. */
    TOKEN("token"),
    /** A user changed (status, name, deletion); key: user id. Every cached principal of that user is stale. */
    USER("user"),
    /** A tunnel was created, changed or deleted; key: tunnel id. */
    TUNNEL("tunnel"),
    /** A plan was created, changed or deleted; key: plan id. Its users' limits are stale. */
    PLAN("plan"),
    /** A claim was reserved or released; key: the claim's kind ({@code host} or {@code port}). */
    CLAIM("claim"),
    /**
     * An ACME HTTP-01 answer to serve ({@code +<key authorization>}) or to withdraw ({@code -<token>}): the CA's
     * request may reach any node, not only the one that ordered. Not an invalidation; nothing is cached.
     */
    ACME_CHALLENGE("acme"),
    /**
     * A certificate was stored or deleted, or a name requested; key: the certificate's name. Nodes with
     * {@code https.acme} read the stored certificates again.
     */
    CERTIFICATE("certificate"),
    /**
     * An operator ended a session that may be held by another node; key: the session id. The node holding it closes
     * it. Not an invalidation.
     */
    SESSION_END("session-end"),
    /**
     * A client reconnected, perhaps to another node, and took over its session; key: the id of the session it
     * replaced, the node that took it and the node that held it, space-separated. The node still holding the old one
     * closes it. Not an invalidation.
     */
    SESSION_REPLACED("session-replaced"),
    /**
     * A client that took its session over on another node has its tunnels registered there; key: the id of the
     * session it replaced. The node still holding the old one lets it finish its open streams and end. Not an
     * invalidation.
     */
    SESSION_SETTLED("session-settled"),
    /**
     * Live claims changed (a tunnel of a connected client opened or closed, a session moved or ended); key: "*".
     * Sent by the database itself (a trigger on {@code live_claims}); nodes rebuild the tunnels they forward.
     */
    LIVE_CLAIMS("live-claims"),
    /**
     * A client token was revoked; key: the token's id. Every node ends the sessions that logged in with it. Not an
     * invalidation (the token's own {@link #TOKEN} event drops it from the caches).
     */
    SESSIONS_OF_TOKEN("sessions-of-token"),
    /** A user was suspended or deleted; key: the user's id. Every node ends the user's sessions. Not an invalidation. */
    SESSIONS_OF_USER("sessions-of-user"),
    /** Anything may be stale, e.g. after the listener missed notifications while reconnecting; key: "*". */
    ALL("all");

    private final String wireName;

    ChangeKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    static ChangeKind fromWireName(String name) {
        for (ChangeKind kind : values()) {
            if (kind.wireName.equals(name)) {
                return kind;
            }
        }
        return null;
    }
}
