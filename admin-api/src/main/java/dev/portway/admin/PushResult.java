package dev.portway.admin;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Whether a new tunnel reached a client.
 *
 * @param status {@code pushed} or {@code pending}
 * @param reason why it is pending; {@code null} when pushed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PushResult(String status, String reason) {
    public static final String PUSHED = "pushed";
    public static final String PENDING = "pending";

    public static PushResult pushed() {
        return new PushResult(PUSHED, null);
    }

    public static PushResult pending(String reason) {
        return new PushResult(PENDING, reason);
    }

    public boolean isPushed() {
        return PUSHED.equals(status);
    }
}
