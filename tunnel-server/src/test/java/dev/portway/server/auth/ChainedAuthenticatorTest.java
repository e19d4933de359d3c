package dev.portway.server.auth;

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
        Authenticator chain = new ChainedAuthenticator(List.of(new StaticTokenAuthenticator(List.of(STATIC)),
                database(false)));
        assertThat(authenticate(chain, STATIC)).contains(StaticTokenAuthenticator.principal(0));
        assertThat(databaseCalls).hasValue(0);
        assertThat(StaticTokenAuthenticator.principal(0).userId()).isEqualTo(Principal.NOT_STORED);
    }

    @Test
    void otherTokensGoToTheDatabase() {
        Authenticator chain = new ChainedAuthenticator(List.of(new StaticTokenAuthenticator(List.of(STATIC)),
                database(true)));
        assertThat(authenticate(chain, "pwt_alice")).contains(stored);
        assertThat(authenticate(chain, "pwt_nobody")).isEmpty();
    }

    @Test
    void anUnavailableDatabaseIsAFailureNotARefusal() {
        Authenticator chain = new ChainedAuthenticator(List.of(new StaticTokenAuthenticator(List.of(STATIC)),
                database(false)));
        assertThatThrownBy(() -> authenticate(chain, "pwt_alice")).isInstanceOf(CompletionException.class)
                .hasRootCauseMessage("database down");
    }

    @Test
    void theSameUserMayHoldAClientIdWithAnotherToken() {
        assertThat(stored.sameUser(new Principal("alice", 7, 43))).isTrue();
        assertThat(stored.sameUser(new Principal("bob", 8, 42))).isFalse();
        assertThat(StaticTokenAuthenticator.principal(0).sameUser(stored)).isFalse();
    }
}
