package dev.portway.server.auth;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class StaticTokenAuthenticatorTest {
    private final StaticTokenAuthenticator authenticator =
            new StaticTokenAuthenticator(List.of("first-token-0123456789", "second-token-0123456789"));

    @Test
    void acceptsEveryConfiguredToken() {
        assertThat(authenticate("first-token-0123456789")).contains(StaticTokenAuthenticator.principal(0));
        assertThat(authenticate("second-token-0123456789")).contains(StaticTokenAuthenticator.principal(1));
        assertThat(StaticTokenAuthenticator.principal(0).sameUser(StaticTokenAuthenticator.principal(1)))
                .as("each token is its own user").isFalse();
        assertThat(StaticTokenAuthenticator.principal(0).user()).isEqualTo("static:1");
    }

    @Test
    void refusesAnythingElse() {
        assertThat(authenticate("first-token-012345678")).isEmpty();
        assertThat(authenticate("")).isEmpty();
        assertThat(authenticate(null)).isEmpty();
    }

    @Test
    void withNoTokensEveryoneIsRefused() {
        StaticTokenAuthenticator none = new StaticTokenAuthenticator(List.of());
        assertThat(none.isEmpty()).isTrue();
        assertThat(none.authenticate("").toCompletableFuture().join()).isEmpty();
    }

    private Optional<Principal> authenticate(String token) {
        return authenticator.authenticate(token).toCompletableFuture().join();
    }
}
