package dev.portway.server;

import dev.portway.protocol.control.TunnelRegister;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.AuthConfig.StaticToken;
import dev.portway.server.config.AuthConfig;
import dev.portway.server.testkit.RawClient;
import dev.portway.server.testkit.Scrape;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static dev.portway.server.testkit.TunnelFixture.WAIT;
import static dev.portway.server.testkit.TunnelFixture.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Registrations a real client never sends: racing duplicates, hostile names, another user's client id, against a real
 * server whose {@code auth.tokens} hold a plain token and two named ones.
 */
@Timeout(120)
class RegistrationAbuseIT {
    private static final String CI_TOKEN = "ci-runner-token-0123456789";
    private static final String DEPLOY_TOKEN = "deploy-token-0123456789";
    private TunnelFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3).withAuth(new AuthConfig(List.of(
                StaticToken.plain(TunnelFixture.TOKEN), new StaticToken("ci-runner", CI_TOKEN),
                new StaticToken("deploy", DEPLOY_TOKEN)))));
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
    }

    @Test
    void aNameRegisteredTwiceAtOnceHoldsOnePortAndLeaksNone() throws Exception {
        int rounds = 1000;
        Set<Integer> ports = new TreeSet<>();
        try (RawClient client = RawClient.authenticated(fixture.controlAddress(), TunnelFixture.TOKEN, "racer")) {
            for (int i = 0; i < rounds; i++) {
                TunnelRegister register = new TunnelRegister(List.of(new TunnelSpec("t" + i, TunnelType.TCP, 0, null)));
                client.send(register);
                client.send(register);
            }
            for (int i = 0; i < 2 * rounds; i++) {
                TunnelResult.Status status = client.next(TunnelResult.class, WAIT).results().get(0);
                assertThat(status.accepted()).as(status.reason()).isTrue();
                ports.add(port(status));
            }
        }
        assertThat(ports).as("one port per name").hasSize(rounds);
        // The client is gone, so every port it held must close; a bind that lost the race must not stay behind.
        List<Integer> stillBound = new ArrayList<>();
        for (int port : ports) {
            if (!bindable(port)) {
                stillBound.add(port);
            }
        }
        assertThat(stillBound).isEmpty();
    }

    @Test
    void aHugeNameIsRefusedWithoutAMeterOrAHugeAnswer() throws Exception {
        String huge = "n".repeat(60_000);
        try (RawClient client = RawClient.authenticated(fixture.controlAddress(), TunnelFixture.TOKEN, "hostile")) {
            for (int i = 0; i < 50; i++) {
                client.send(new TunnelRegister(List.of(new TunnelSpec(huge + i, TunnelType.TCP, 0, null))));
                TunnelResult.Status status = client.next(TunnelResult.class, WAIT).results().get(0);
                assertThat(status.accepted()).isFalse();
                assertThat(status.name()).hasSizeLessThan(100);
                assertThat(status.reason()).contains("invalid tunnel name").hasSizeLessThan(300);
            }
        }
        String metrics = Scrape.of(fixture.server().adminAddress()).text();
        assertThat(metrics).doesNotContain("nnnnnnnnnnnnnnnn");
    }

    @Test
    void twoNamedTokensAreTwoUsersAndNeitherTakesOverTheOthersClientId() throws Exception {
        try (RawClient runner = RawClient.authenticated(fixture.controlAddress(), CI_TOKEN, "shared-id")) {
            assertThatThrownBy(() -> RawClient.authenticated(fixture.controlAddress(), DEPLOY_TOKEN, "shared-id"))
                    .hasMessageContaining("client id shared-id is in use by another user");
            assertThatThrownBy(() -> RawClient.authenticated(fixture.controlAddress(), TunnelFixture.TOKEN, "shared-id"))
                    .as("a plain token is another user too")
                    .hasMessageContaining("client id shared-id is in use by another user");

            runner.send(new TunnelRegister(List.of(new TunnelSpec("still-mine", TunnelType.TCP, 0, null))));
            TunnelResult.Status status = runner.next(TunnelResult.class, WAIT).results().get(0);
            assertThat(status.accepted()).as("the holder keeps its session: %s", status.reason()).isTrue();

            String metrics = Scrape.of(fixture.server().adminAddress()).text();
            assertThat(metrics).contains("user=\"static:ci-runner\"").doesNotContain("user=\"static:deploy\"");
            try (RawClient again = RawClient.authenticated(fixture.controlAddress(), CI_TOKEN, "shared-id")) {
                // The same named token takes over its own client id: that is a reconnect, not a take-over.
                again.send(new TunnelRegister(List.of(new TunnelSpec("still-mine", TunnelType.TCP, port(status), null))));
                TunnelResult.Status moved = again.next(TunnelResult.class, WAIT).results().get(0);
                assertThat(moved.accepted()).as(moved.reason()).isTrue();
            }
        }
    }

    private static boolean bindable(int port) {
        // The listener closes on the server's loop after the disconnect is seen; give it a moment.
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return true;
            } catch (IOException busy) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }
}
