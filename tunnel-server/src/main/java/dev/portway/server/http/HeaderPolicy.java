package dev.portway.server.http;

import dev.portway.protocol.control.HttpOptions;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * One http tunnel's rules for the messages it carries: basic authentication, the Host rewrite, the forwarding
 * headers the server vouches for, and the operator's own header rules. A plain class, so every rule is tested
 * without a channel.
 *
 * <p>Threading: immutable after construction.
 */
public final class HeaderPolicy {
    static final String X_FORWARDED_FOR = "X-Forwarded-For";
    static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
    static final String X_FORWARDED_HOST = "X-Forwarded-Host";
    static final String X_REAL_IP = "X-Real-IP";

    private final String hostHeaderRewrite;
    private final HttpOptions.HeaderRules requestRules;
    private final HttpOptions.HeaderRules responseRules;
    /** The exact Authorization value that passes; null when the tunnel has no basic authentication. */
    private final byte[] expectedAuthorization;

    public HeaderPolicy(HttpOptions options) {
        this.hostHeaderRewrite = blankToNull(options.hostHeaderRewrite());
        this.requestRules = options.requestHeaders();
        this.responseRules = options.responseHeaders();
        HttpOptions.BasicAuth auth = options.basicAuth();
        this.expectedAuthorization = auth == null ? null : ("Basic " + Base64.getEncoder().encodeToString(
                (auth.user() + ":" + auth.password()).getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    public boolean requiresAuth() {
        return expectedAuthorization != null;
    }

    /** Whether the request may pass; compared in constant time so the answer's timing reveals nothing. */
    public boolean authorized(HttpHeaders headers) {
        if (expectedAuthorization == null) {
            return true;
        }
        String given = headers.get(HttpHeaderNames.AUTHORIZATION);
        return given != null && MessageDigest.isEqual(expectedAuthorization,
                given.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Prepares a public request for the local service. Forwarding headers from the public peer are replaced, never
     * appended to: the server is the first proxy it can vouch for.
     *
     * @param clientIp the public peer's address
     * @param scheme   {@code http} or {@code https}, as the public peer reached the server
     */
    public void rewriteRequest(HttpRequest request, String clientIp, String scheme) {
        HttpHeaders headers = request.headers();
        String publicHost = headers.get(HttpHeaderNames.HOST);
        headers.set(X_FORWARDED_FOR, clientIp);
        headers.set(X_REAL_IP, clientIp);
        headers.set(X_FORWARDED_PROTO, scheme);
        headers.set(X_FORWARDED_HOST, publicHost);
        if (expectedAuthorization != null) {
            // The tunnel's password is the server's business; the local service never sees it.
            headers.remove(HttpHeaderNames.AUTHORIZATION);
        }
        if (hostHeaderRewrite != null) {
            headers.set(HttpHeaderNames.HOST, hostHeaderRewrite);
        }
        apply(requestRules, headers);
    }

    public void rewriteResponse(HttpResponse response) {
        apply(responseRules, response.headers());
    }

    private static void apply(HttpOptions.HeaderRules rules, HttpHeaders headers) {
        if (rules == null) {
            return;
        }
        List<String> remove = rules.remove();
        for (String name : remove) {
            headers.remove(name);
        }
        for (Map.Entry<String, String> entry : rules.set().entrySet()) {
            headers.set(entry.getKey(), entry.getValue());
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
