package dev.portway.admin.users;

/** Request bodies of the user routes. */
public final class UserRequests {
    private UserRequests() {
    }

    /**
     * @param apiKeyRole when set ({@code user} or {@code admin}), an API key for the new user is issued and returned
     *                   once in the response: without it a {@code user} key could only come from the database
     */
    public record CreateUser(String name, String apiKeyRole) {
    }

    /**
     * A partial update: only the fields present change. Unlike the other fields, {@code planId} and
     * {@code expiresAt} mean something when {@code null}, so presence, not null, decides.
     *
     * @param status    {@code active}, {@code suspended} or {@code disabled}
     * @param planId    the user's plan; {@code null}: the default plan
     * @param expiresAt ISO-8601 instant at which the user's access ends; {@code null}: never
     */
    public record UpdateUser(String status, Long planId, String expiresAt) {
    }
}
