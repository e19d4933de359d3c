package dev.portway.storage.certificates;

import java.time.Instant;
import java.util.Objects;

/**
 * A name a certificate is wanted for besides the configured ones.
 *
 * @param origin {@link #API} (an operator asked) or {@link #TUNNEL} (the custom domain of an http tunnel)
 */
public record AcmeRequest(String name, String origin, Instant created) {
    public static final String API = "api";
    public static final String TUNNEL = "tunnel";

    public AcmeRequest {
        Objects.requireNonNull(name, "name");
        if (!API.equals(origin) && !TUNNEL.equals(origin)) {
            throw new IllegalArgumentException("origin must be api or tunnel, got " + origin);
        }
    }
}
