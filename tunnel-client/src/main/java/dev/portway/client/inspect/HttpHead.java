package dev.portway.client.inspect;

import java.util.List;
import java.util.Locale;

/**
 * The head of one HTTP/1.1 message as it crossed the wire: a request line ({@code method target version}) or a status
 * line ({@code version status reason}), and the header fields in their order, names as written.
 *
 * @param method  null for a response
 * @param target  null for a response
 * @param status  0 for a request
 * @param reason  null for a request
 */
public record HttpHead(String method, String target, String version, int status, String reason,
                       List<Header> headers) {

    public record Header(String name, String value) {
    }

    public HttpHead {
        headers = List.copyOf(headers);
    }

    public static HttpHead request(String method, String target, String version, List<Header> headers) {
        return new HttpHead(method, target, version, 0, null, headers);
    }

    public static HttpHead response(String version, int status, String reason, List<Header> headers) {
        return new HttpHead(null, null, version, status, reason, headers);
    }

    public boolean isRequest() {
        return method != null;
    }

    /** The first value of {@code name}, compared without case; null when absent. */
    public String header(String name) {
        for (Header header : headers) {
            if (header.name().equalsIgnoreCase(name)) {
                return header.value();
            }
        }
        return null;
    }

    /** Every value of {@code name}, in order. */
    public List<String> headers(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).toList();
    }

    /** Whether a comma-separated header such as {@code Connection} lists {@code token}. */
    public boolean lists(String name, String token) {
        for (String value : headers(name)) {
            for (String item : value.split(",")) {
                if (item.strip().toLowerCase(Locale.ROOT).equals(token)) {
                    return true;
                }
            }
        }
        return false;
    }
}
