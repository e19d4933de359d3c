package dev.portway.admin.signin;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class CookieSessionsTest {
    private static final Instant START = Instant.parse("2027-01-01T10:00:00Z");
    private final AtomicReference<Instant> now = new AtomicReference<>(START);
    private final CookieSessions sessions = new CookieSessions(now::get, Duration.ofHours(8), 3);

    @Test
    void aSessionEndsWhenItsLifetimeHasPassed() {
        CookieSessions.CookieSession session = sessions.open(new byte[] {1});
        assertThat(session.expires()).isEqualTo(START.plus(Duration.ofHours(8)));
        now.set(START.plus(Duration.ofHours(8)).minusSeconds(1));
        assertThat(sessions.find(session.id())).contains(session);
        now.set(START.plus(Duration.ofHours(8)));
        assertThat(sessions.find(session.id())).isEmpty();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void signingInBeyondTheBoundEndsTheOldestSession() {
        CookieSessions.CookieSession first = sessions.open(new byte[] {1});
        CookieSessions.CookieSession second = sessions.open(new byte[] {2});
        sessions.open(new byte[] {3});
        CookieSessions.CookieSession fourth = sessions.open(new byte[] {4});

        assertThat(sessions.size()).isEqualTo(3);
        assertThat(sessions.find(first.id())).isEmpty();
        assertThat(sessions.find(second.id())).isPresent();
        assertThat(sessions.find(fourth.id())).isPresent();
    }

    @Test
    void oneKeySigningInOverAndOverEndsOnlyItsOwnOldestSessions() {
        CookieSessions roomy = new CookieSessions(now::get, Duration.ofHours(8), 1000);
        CookieSessions.CookieSession operator = roomy.open(new byte[] {9});
        for (int i = 0; i < 5_000; i++) {
            roomy.open(new byte[] {1});
        }
        assertThat(roomy.size()).isEqualTo(CookieSessions.MAX_PER_KEY + 1);
        assertThat(roomy.find(operator.id())).as("another key's session stays").isPresent();
    }

    @Test
    void expiredSessionsMakeRoomBeforeLiveOnesArePushedOut() {
        sessions.open(new byte[] {1});
        now.set(START.plus(Duration.ofHours(4)));
        CookieSessions.CookieSession later = sessions.open(new byte[] {2});
        sessions.open(new byte[] {3});
        now.set(START.plus(Duration.ofHours(9)));
        sessions.open(new byte[] {4});

        assertThat(sessions.find(later.id())).isPresent();
    }

    @Test
    void idsAndCsrfTokensAreRandomAndTheTokenIsComparedExactly() {
        CookieSessions.CookieSession a = sessions.open(new byte[] {1});
        CookieSessions.CookieSession b = sessions.open(new byte[] {1});
        assertThat(a.id()).isNotEqualTo(b.id()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(a.csrfToken()).isNotEqualTo(b.csrfToken()).isNotEqualTo(a.id());
        assertThat(a.csrfMatches(a.csrfToken())).isTrue();
        assertThat(a.csrfMatches(b.csrfToken())).isFalse();
        assertThat(a.csrfMatches(null)).isFalse();
        assertThat(a.csrfMatches("")).isFalse();
        assertThat(a.toString()).doesNotContain(a.id(), a.csrfToken());
    }

    @Test
    void closeEndsASession() {
        CookieSessions.CookieSession session = sessions.open(new byte[] {1});
        sessions.close(session.id());
        assertThat(sessions.find(session.id())).isEmpty();
    }
}
