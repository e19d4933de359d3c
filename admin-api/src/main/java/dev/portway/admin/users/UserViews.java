package dev.portway.admin.users;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.portway.admin.http.Json;
import dev.portway.storage.apikeys.IssuedApiKey;
import dev.portway.storage.users.User;

/** Response bodies of the user routes. */
public final class UserViews {
    private UserViews() {
    }

    /**
     * @param planId    the user's own plan; null: the default plan applies
     * @param planSince when the user got its plan, where a period running from the subscription day starts
     * @param expiresAt when the user's access ends; null: never
     */
    public record UserView(long id, String name, String status, String created, Long planId, String planSince,
                           String expiresAt) {
        public static UserView of(User user) {
            return new UserView(user.id(), user.name(), user.status().dbName(), Json.time(user.created()),
                    user.planId(), Json.time(user.planSince()), Json.time(user.expiresAt()));
        }
    }

    /** The plain key appears here once, in the response to the create; only its hash is stored. */
    public record ApiKeyView(long id, String role, String prefix, String key) {
        public static ApiKeyView of(IssuedApiKey issued) {
            return new ApiKeyView(issued.row().id(), issued.row().role().dbName(), issued.row().prefix(),
                    issued.key());
        }

        @Override
        public String toString() {
            return "ApiKeyView[" + prefix + "***, id=" + id + ", role=" + role + "]";
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreatedUserView(UserView user, ApiKeyView apiKey) {
    }
}
