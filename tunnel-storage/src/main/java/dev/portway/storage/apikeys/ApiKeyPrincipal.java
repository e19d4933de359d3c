package dev.portway.storage.apikeys;

import dev.portway.storage.users.UserStatus;

/** The operator behind an API key. */
public record ApiKeyPrincipal(long keyId, long userId, String userName, UserStatus userStatus, ApiKeyRole role) {
}
