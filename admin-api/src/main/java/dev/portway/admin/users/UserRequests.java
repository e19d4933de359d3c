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

    /** @param status {@code active}, {@code suspended} or {@code disabled} */
    public record UpdateUser(String status) {
    }
}
