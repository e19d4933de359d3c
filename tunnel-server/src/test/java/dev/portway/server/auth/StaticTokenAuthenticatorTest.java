package dev.portway.server.auth;

import dev.portway.server.config.AuthConfig.StaticToken;
import dev.portway.server.config.AuthConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StaticTokenAuthenticatorTest {
    private final StaticTokenAuthenticator authenticator = new StaticTokenAuthenticator(new AuthConfig(List.of(
            StaticToken.plain("first-token-0123456789"),
            new StaticToken("ci-runner", "runner-token-0123456789"),
            StaticToken.plain("third-token-0123456789"),
            new StaticToken("deploy.bot_2", "deploy-token-0123456789"))));

    @Test
    void eachTokenIsItsOwnUserNamedOrNumberedByItsPosition() {
        assertThat(authenticate("first-token-0123456789")).contains(staticUser("static:1"));
        assertThat(authenticate("runner-token-0123456789")).contains(staticUser("static:ci-runner"));
        assertThat(authenticate("third-token-0123456789")).as("a plain entry keeps its position's number")
                .contains(staticUser("static:3"));
        assertThat(authenticate("deploy-token-0123456789")).contains(staticUser("static:deploy.bot_2"));
        Principal runner = authenticate("runner-token-0123456789").orElseThrow();
        Principal bot = authenticate("deploy-token-0123456789").orElseThrow();
        assertThat(runner.sameUser(bot)).as("two named tokens are two users").isFalse();
        assertThat(runner.sameUser(authenticate("first-token-0123456789").orElseThrow())).isFalse();
        assertThat(runner.sameUser(authenticate("runner-token-0123456789").orElseThrow())).isTrue();
    }

    @Test
    void refusesAnythingElse() {
        assertThat(authenticate("first-token-012345678")).isEmpty();
        assertThat(authenticate("ci-runner")).isEmpty();
        assertThat(authenticate("")).isEmpty();
        assertThat(authenticate(null)).isEmpty();
    }

    @Test
    void withNoTokensEveryoneIsRefused() {
        StaticTokenAuthenticator none = new StaticTokenAuthenticator(AuthConfig.NONE);
        assertThat(none.isEmpty()).isTrue();
        assertThat(none.authenticate("").toCompletableFuture().join()).isEmpty();
    }

    @Test
    void aConfigThatWouldMakeOneTokenOrOneUserAmbiguousCannotBeBuilt() {
        assertThatThrownBy(() -> new AuthConfig(List.of(StaticToken.plain("first-token-0123456789"),
                new StaticToken("1", "other-token-0123456789")))).hasMessageContaining("same user");
        assertThatThrownBy(() -> new AuthConfig(List.of(new StaticToken("a", "first-token-0123456789"),
                new StaticToken("b", "first-token-0123456789")))).hasMessageContaining("same token");
        assertThatThrownBy(() -> new StaticToken("CI", "first-token-0123456789")).hasMessageContaining("name");
        assertThatThrownBy(() -> new StaticToken("a:b", "first-token-0123456789")).hasMessageContaining("name");
    }

    private static Principal staticUser(String user) {
        return new Principal(user, Principal.NOT_STORED, Principal.NOT_STORED);
    }

    private Optional<Principal> authenticate(String token) {
        return authenticator.authenticate(token).toCompletableFuture().join();
    }
}
