package dev.portway.admin.auth;

import dev.portway.admin.problem.ApiException;
import dev.portway.storage.apikeys.ApiKeyRole;

/**
 * The person or program behind an authenticated request.
 *
 * <p>Ownership rule, the same on every route: a {@code user} key that names a resource of another user gets 403,
 * whether the resource is a user, a token, a tunnel or a session. Only an id that exists for nobody gets 404. Ids are
 * sequential and hide nothing, so 403 tells the caller no more than it knew, and is clearer when a script uses the
 * wrong key.
 */
public record Operator(long userId, String userName, long keyId, ApiKeyRole role, String remoteAddress) {
    public boolean isAdmin() {
        return role == ApiKeyRole.ADMIN;
    }

    /** How the audit log names this operator: the user and which of their keys, never the key itself. */
    public String actor() {
        return userName + " (api key " + keyId + ")";
    }

    public void requireAdmin() {
        if (!isAdmin()) {
            throw ApiException.forbidden("This needs an admin API key");
        }
    }

    /** Admins reach everything; a user key only resources of its own user. */
    public void requireOwnerOrAdmin(long ownerId, String what) {
        if (!isAdmin() && ownerId != userId) {
            throw ApiException.forbidden(what + " belongs to another user");
        }
    }

    public boolean mayAccess(long ownerId) {
        return isAdmin() || ownerId == userId;
    }
}
