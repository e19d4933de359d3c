package dev.portway.server.auth;

import dev.portway.server.config.AuthConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChainedAuthenticatorTest {
    private static final String STATIC = "static-token-0123456789";
    private static final Principal STATIC_USER = new Principal("static:1", Principal.NOT_STORED, Principal.NOT_STORED);
    private static final StaticTokenAuthenticator STATIC_TOKENS =
            new StaticTokenAuthenticator(new AuthConfig(List.of(AuthConfig.StaticToken.plain(STATIC))));
    private final Principal stored = new Principal("alice", 7, 42);
    private final AtomicInteger databaseCalls = new AtomicInteger();

    private Authenticator database(boolean available) {
        return token -> {
            databaseCalls.incrementAndGet();
            if (!available) {
                return CompletableFuture.failedFuture(new IllegalStateException("database down"));
            }
            return CompletableFuture.completedFuture(token.equals("pwt_alice") ? Optional.of(stored) : Optional.empty());
        };
    }

    private Optional<Principal> authenticate(Authenticator chain, String token) {
        return chain.authenticate(token).toCompletableFuture().join();
    }

    @Test
    void staticTokensAnswerWithoutAskingTheDatabase() {
        Authenticator chain = new ChainedAuthenticator(List.of(STATIC_TOKENS,
                database(false)));
        assertThat(authenticate(chain, STATIC)).contains(STATIC_USER);
        assertThat(databaseCalls).hasValue(0);
    }

    @Test
    void otherTokensGoToTheDatabase() {
        Authenticator chain = new ChainedAuthenticator(List.of(STATIC_TOKENS,
                database(true)));
        assertThat(authenticate(chain, "pwt_alice")).contains(stored);
        assertThat(authenticate(chain, "pwt_nobody")).isEmpty();
    }

    @Test
    void anUnavailableDatabaseIsAFailureNotARefusal() {
        Authenticator chain = new ChainedAuthenticator(List.of(STATIC_TOKENS,
                database(false)));
        assertThatThrownBy(() -> authenticate(chain, "pwt_alice")).isInstanceOf(CompletionException.class)
                .hasRootCauseMessage("database down");
    }

    @Test
    void theSameUserMayHoldAClientIdWithAnotherToken() {
        assertThat(stored.sameUser(new Principal("alice", 7, 43))).isTrue();
        assertThat(stored.sameUser(new Principal("bob", 8, 42))).isFalse();
        assertThat(STATIC_USER.sameUser(stored)).isFalse();
    }
}
