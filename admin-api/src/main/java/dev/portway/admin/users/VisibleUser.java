package dev.portway.admin.users;

import dev.portway.admin.http.Call;
import dev.portway.admin.problem.ApiException;
import dev.portway.storage.Storage;
import dev.portway.storage.users.User;

import java.util.concurrent.CompletableFuture;

/** The user a route's {@code {id}} names, for routes under {@code /api/v1/users/{id}/...} that list what it owns. */
public final class VisibleUser {
    private VisibleUser() {
    }

    /** The user, once the caller may see it (its own, or any for an admin: else 403); 404 when there is none. */
    public static CompletableFuture<User> of(Call call, Storage storage) {
        long userId = call.idParameter("id");
        call.operator().requireOwnerOrAdmin(userId, "User " + userId);
        return storage.users().findById(userId)
                .thenApply(user -> user.orElseThrow(() -> ApiException.notFound("No user " + userId)));
    }
}
