package dev.portway.admin.signin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Signed-in browsers ({@code POST /api/v1/session}), in memory on this node: a random session id (the cookie) maps to
 * the hash of the API key that signed in and to a CSRF token. The key itself is never kept; every request looks the
 * hash up again, so revoking the key or suspending its user ends the session's rights at once.
 *
 * <p>Bounded: at most {@code maxSessions} are held; signing in beyond that ends the oldest one. One key holds at most
 * {@link #MAX_PER_KEY}: its next sign-in ends its own oldest, so one key signing in over and over cannot push everyone
 * else's sessions out. Every session lives the same fixed time, so the oldest is always the next to expire, and
 * insertion order is expiry order.
 *
 * <p>Threading: any thread; every method holds the instance's lock for a few map operations.
 */
public final class CookieSessions {
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(8);
    public static final int DEFAULT_MAX_SESSIONS = 1000;
    /** Browsers one API key may have signed in at once. */
    public static final int MAX_PER_KEY = 10;
    private static final int SECRET_BYTES = 32;

    private final Supplier<Instant> clock;
    private final Duration lifetime;
    private final int maxSessions;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, CookieSession> sessions = new LinkedHashMap<>();

    /**
     * @param id        the cookie's value
     * @param keyHash   SHA-256 of the API key that signed in
     * @param csrfToken what every request other than GET must send in {@code X-Portway-CSRF}
     */
    public record CookieSession(String id, byte[] keyHash, String csrfToken, Instant expires) {
        /** Constant time, so the comparison leaks nothing about the token. */
        public boolean csrfMatches(String sent) {
            return sent != null && MessageDigest.isEqual(csrfToken.getBytes(StandardCharsets.US_ASCII),
                    sent.getBytes(StandardCharsets.US_ASCII));
        }

        /** Without the secrets: records print every component. */
        @Override
        public String toString() {
            return "CookieSession[expires " + expires + "]";
        }
    }

    /** @param clock the time now ({@code Clock::instant}) */
    public CookieSessions(Supplier<Instant> clock, Duration lifetime, int maxSessions) {
        if (lifetime.isNegative() || lifetime.isZero() || maxSessions < 1) {
            throw new IllegalArgumentException("a session lifetime above 0 and at least one session are required");
        }
        this.clock = clock;
        this.lifetime = lifetime;
        this.maxSessions = maxSessions;
    }

    public Duration lifetime() {
        return lifetime;
    }

    public synchronized CookieSession open(byte[] keyHash) {
        Instant now = clock.get();
        dropExpired(now);
        List<String> sameKey = new ArrayList<>();
        sessions.values().forEach(s -> {
            if (MessageDigest.isEqual(s.keyHash(), keyHash)) {
                sameKey.add(s.id());
            }
        });
        for (int i = 0; i <= sameKey.size() - MAX_PER_KEY; i++) {
            sessions.remove(sameKey.get(i));
        }
        Iterator<String> oldest = sessions.keySet().iterator();
        while (sessions.size() >= maxSessions) {
            oldest.next();
            oldest.remove();
        }
        CookieSession session = new CookieSession(secret(), keyHash.clone(), secret(), now.plus(lifetime));
        sessions.put(session.id(), session);
        return session;
    }

    /** The session of a cookie value, unless it expired, was closed or pushed out. */
    public synchronized Optional<CookieSession> find(String id) {
        CookieSession session = sessions.get(id);
        if (session == null) {
            return Optional.empty();
        }
        if (!session.expires().isAfter(clock.get())) {
            sessions.remove(id);
            return Optional.empty();
        }
        return Optional.of(session);
    }

    public synchronized void close(String id) {
        sessions.remove(id);
    }

    public synchronized int size() {
        return sessions.size();
    }

    private void dropExpired(Instant now) {
        Iterator<CookieSession> it = sessions.values().iterator();
        while (it.hasNext() && !it.next().expires().isAfter(now)) {
            it.remove();
        }
    }

    private String secret() {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
