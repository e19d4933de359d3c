package dev.portway.storage.tokens;

import dev.portway.storage.users.UserStatus;

/** Who a client token belongs to. The caller decides what a non-active status means (refuse, with a reason). */
public record Principal(long tokenId, long userId, String userName, UserStatus status) {
    public boolean active() {
        return status == UserStatus.ACTIVE;
    }
}
