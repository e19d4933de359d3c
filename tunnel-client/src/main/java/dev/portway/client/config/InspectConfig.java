package dev.portway.client.config;

import java.util.Objects;

/**
 * The request inspector: a local page and JSON API that show the requests and responses of this client's http
 * tunnels and send them again to the local service. Off unless client.yaml has an {@code inspect} section.
 *
 * @param address      where the page listens; loopback unless the file says otherwise, since anyone who reaches it
 *                     reads the recorded bodies and can make the client call its local services
 * @param port         0 picks a free port (tests)
 * @param maxRequests  exchanges kept; the oldest goes when a new one arrives
 * @param maxBodyBytes bytes kept of each request body and of each response body; the rest is counted, not kept, so
 *                     the inspector holds at most {@code maxRequests x maxBodyBytes x 2} of bodies
 */
public record InspectConfig(String address, int port, int maxRequests, int maxBodyBytes) {
    public static final String DEFAULT_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_PORT = 4040;
    public static final int DEFAULT_MAX_REQUESTS = 500;
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final int MAX_REQUESTS_LIMIT = 100_000;
    public static final int MAX_BODY_BYTES_LIMIT = 64 * 1024 * 1024;

    public InspectConfig {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("inspect.port out of range: " + port);
        }
        if (maxRequests < 1 || maxRequests > MAX_REQUESTS_LIMIT) {
            throw new IllegalArgumentException("inspect.maxRequests out of range: " + maxRequests);
        }
        if (maxBodyBytes < 0 || maxBodyBytes > MAX_BODY_BYTES_LIMIT) {
            throw new IllegalArgumentException("inspect.maxBodyBytes out of range: " + maxBodyBytes);
        }
    }

    /** Every setting at its default, on another port. */
    public static InspectConfig onPort(int port) {
        return new InspectConfig(DEFAULT_ADDRESS, port, DEFAULT_MAX_REQUESTS, DEFAULT_MAX_BODY_BYTES);
    }
}
