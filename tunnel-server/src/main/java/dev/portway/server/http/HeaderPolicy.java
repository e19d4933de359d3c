package dev.portway.server.http;

import dev.portway.protocol.control.HeaderRuleCheck;
import dev.portway.protocol.control.HttpOptions;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
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
     * Prepares a public request for the local service. Forwarding headers from the public peer are replaced or
     * dropped ({@link HeaderRuleCheck#forwardingField}), never appended to: the server is the first proxy it can vouch
     * for. The tunnel's request rules come last; they may remove the server's forwarding headers but never set one
     * (HeaderRuleCheck refused such a tunnel).
     *
     * @param clientIp the public peer's address
     * @param scheme   {@code http} or {@code https}, as the public peer reached the server
     */
    public void rewriteRequest(HttpRequest request, String clientIp, String scheme) {
        HttpHeaders headers = request.headers();
        String publicHost = headers.get(HttpHeaderNames.HOST);
        removeForwarding(headers);
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

    private static void removeForwarding(HttpHeaders headers) {
        List<String> found = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (forwarding(name)) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(name.toString());
            }
        }
        if (found != null) {
            found.forEach(headers::remove);
        }
    }

    private static boolean forwarding(CharSequence name) {
        int length = name.length();
        char first = (char) (name.charAt(0) | 0x20);
        // Most headers fail this without a string being made for them: every request passes here.
        if (length < "forwarded".length() || length > "x-forwarded-prefix".length() || (first != 'x' && first != 'f')) {
            return false;
        }
        return HeaderRuleCheck.forwardingField(name.toString());
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
