package dev.portway.admin.signin;

import dev.portway.admin.http.AdminRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The console's session cookie: reading it from a request and writing the {@code Set-Cookie} that sets or deletes it.
 * {@code HttpOnly} (no script reads it), {@code SameSite=Strict} (no other site's page sends it), {@code Path=/},
 * {@code Max-Age} as long as the session, and {@code Secure} when the browser reached the listener over HTTPS (a TLS
 * proxy in front says so with {@code X-Forwarded-Proto: https}; the page's {@code Origin} shows it too).
 */
public final class SessionCookie {
    public static final String NAME = "portway_session";

    private SessionCookie() {
    }

    /** The cookie's value from the request's {@code Cookie} headers; the first, when there are several. */
    public static Optional<String> value(AdminRequest request) {
        List<String> values = values(request);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * Every value of the cookie the request carries. More than one means another site under the same domain set
     * one of its own beside this listener's (a browser sends both, the longer path first).
     */
    public static List<String> values(AdminRequest request) {
        List<String> values = new ArrayList<>();
        for (String header : request.headerValues("cookie")) {
            for (String pair : header.split(";")) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).trim().equals(NAME)) {
                    String value = pair.substring(equals + 1).trim();
                    if (!value.isEmpty()) {
                        values.add(value);
                    }
                }
            }
        }
        return values;
    }

    public static String set(String value, Duration maxAge, AdminRequest request) {
        return NAME + "=" + value + "; Path=/; Max-Age=" + maxAge.toSeconds() + "; HttpOnly; SameSite=Strict"
                + (overHttps(request) ? "; Secure" : "");
    }

    public static String delete(AdminRequest request) {
        return NAME + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (overHttps(request) ? "; Secure" : "");
    }

    static boolean overHttps(AdminRequest request) {
        return request.header("x-forwarded-proto").map(p -> p.trim().toLowerCase(Locale.ROOT).equals("https"))
                .orElse(false)
                || request.header("origin").map(o -> o.toLowerCase(Locale.ROOT).startsWith("https://")).orElse(false);
    }
}
