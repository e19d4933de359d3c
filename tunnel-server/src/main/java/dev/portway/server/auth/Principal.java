package dev.portway.server.auth;

/**
 * Who a client token belongs to. Tunnels, ports and sessions are owned by a principal.
 *
 * @param user    the user's name, as metrics and logs show it
 * @param userId  the user's database id; {@link #NOT_STORED} for a token from {@code auth.tokens}, which has no row
 * @param tokenId the client token's database id, so that revoking the token can end the session; {@link #NOT_STORED}
 *                for a static token (database ids start at 1, so 0 never matches a stored token)
 */
public record Principal(String user, long userId, long tokenId) {
    public static final long NOT_STORED = 0;

    /**
     * Whether two principals are the same user, which may hold the same client id; the token does not matter (a
     * client whose token was rotated still takes over its own connection).
     */
    public boolean sameUser(Principal other) {
        return userId == other.userId && user.equals(other.user);
    }
}
