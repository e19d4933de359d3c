package dev.portway.server.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The protocols a request offers to switch to (RFC 9110 section 7.8), and whether a {@code 101} answer keeps to them.
 * A {@code 101} turns the public connection into a raw pipe that no timeout, route or rule sees again, so it is
 * accepted only when the public peer asked for exactly that: {@code Connection: upgrade} with an {@code Upgrade}
 * naming the protocol the answer switches to.
 *
 * <p>Threading: immutable.
 */
final class UpgradeOffer {
    static final UpgradeOffer NONE = new UpgradeOffer(List.of());

    /** Offered protocols, lower case, as {@code name} or {@code name/version}. */
    private final List<String> protocols;

    private UpgradeOffer(List<String> protocols) {
        this.protocols = protocols;
    }

    /** What a request's headers offer; {@link #NONE} unless both {@code Connection: upgrade} and Upgrade are there. */
    static UpgradeOffer of(HttpHeaders request) {
        if (!request.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            return NONE;
        }
        List<String> offered = tokens(request.getAll(HttpHeaderNames.UPGRADE));
        return offered.isEmpty() ? NONE : new UpgradeOffer(offered);
    }

    boolean offered() {
        return !protocols.isEmpty();
    }

    /** Whether a {@code 101} with these headers switches only to offered protocols (and names at least one). */
    boolean accepts(HttpHeaders response) {
        List<String> chosen = tokens(response.getAll(HttpHeaderNames.UPGRADE));
        return !chosen.isEmpty() && protocols.containsAll(chosen);
    }

    private static List<String> tokens(List<String> fields) {
        List<String> tokens = new ArrayList<>(2);
        for (String field : fields) {
            for (String token : field.split(",")) {
                String trimmed = token.trim();
                if (!trimmed.isEmpty()) {
                    tokens.add(trimmed.toLowerCase(Locale.ROOT));
                }
            }
        }
        return tokens;
    }
}
