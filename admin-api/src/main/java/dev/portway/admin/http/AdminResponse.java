package dev.portway.admin.http;

import java.util.Map;
import java.util.Objects;

/**
 * The answer to an {@link AdminRequest}. The transport adds Content-Length and writes the headers as given;
 * {@code Content-Type} is always set when there is a body.
 *
 * @param stream null for an ordinary response; otherwise the body is sent in chunks, as the stream produces them,
 *               for as long as the connection lasts ({@code GET /api/v1/events}), and {@code body} is empty
 */
public record AdminResponse(int status, Map<String, String> headers, byte[] body, ResponseStream stream) {
    public static final String JSON = "application/json";
    public static final String PROBLEM_JSON = "application/problem+json";

    public AdminResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    public AdminResponse(int status, Map<String, String> headers, byte[] body) {
        this(status, headers, body, null);
    }

    /** A response whose body {@code stream} produces while the connection lasts. */
    public static AdminResponse streaming(int status, Map<String, String> headers, ResponseStream stream) {
        return new AdminResponse(status, headers, new byte[0], Objects.requireNonNull(stream, "stream"));
    }

    public static AdminResponse noContent() {
        return new AdminResponse(204, Map.of(), new byte[0]);
    }

    /** Without the body, which may carry a freshly issued token. */
    @Override
    public String toString() {
        return "AdminResponse[" + status + ", " + headers + ", " + (stream != null ? "streaming" : body.length + " body bytes") + "]";
    }
}
