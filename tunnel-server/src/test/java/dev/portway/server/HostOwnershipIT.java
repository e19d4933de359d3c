package dev.portway.server;

import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.DatabaseSettings;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.testkit.HttpBackend;
import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.storage.Storage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two users of one server, each with their own client token (a real database): the second cannot add locations on
 * the first one's host, nor a host under the first one's wildcard, and the first one's requests keep reaching it.
 */
@Timeout(120)
class HostOwnershipIT {
    private TunnelFixture fixture;
    private HttpBackend alicesService;
    private HttpBackend mallorysService;
    private int httpPort;
    private String aliceToken;
    private String malloryToken;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        alicesService = new HttpBackend("alice");
        mallorysService = new HttpBackend("mallory");
        httpPort = TunnelFixture.freePort();
        TunnelServer server = fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                .withDatabase(DatabaseSettings.EMBEDDED).withHttp(new HttpConfig("tunnel.test", httpPort, 0)));
        Storage storage = server.storage().orElseThrow().storage();
        aliceToken = tokenFor(storage, "alice");
        malloryToken = tokenFor(storage, "mallory");
    }

    private static String tokenFor(Storage storage, String name) throws Exception {
        long id = storage.users().create(name).get(20, TimeUnit.SECONDS).id();
        return storage.clientTokens().issue(id).get(20, TimeUnit.SECONDS).token();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        alicesService.close();
        mallorysService.close();
    }

    private TunnelResult.Status register(String token, String clientId, HttpBackend service, List<String> domains,
                                         List<String> locations) throws Exception {
        TunnelConfig tunnel = new TunnelConfig("site", TunnelType.HTTP, new HostPort("127.0.0.1", service.port()), 0,
                new HttpOptions(null, domains, locations, null, null, null, null, null), null);
        RecordingEvents events = new RecordingEvents();
        fixture.startClient(fixture.clientConfig(fixture.controlAddress().getPort(), token, List.of(tunnel),
                Duration.ofSeconds(10)), clientId, events);
        return events.nextRegistration(TunnelFixture.WAIT).get(0);
    }

    @Test
    void anotherUsersPathsOnAnOwnedHostAreRefusedAndTheOwnerKeepsItsRequests() throws Exception {
        assertThat(register(aliceToken, "alice-laptop", alicesService, List.of("alice.example.com"), null).accepted())
                .isTrue();

        TunnelResult.Status taken = register(malloryToken, "mallory-laptop", mallorysService,
                List.of("alice.example.com"), List.of("/login", "/api"));

        assertThat(taken.accepted()).isFalse();
        assertThat(taken.reason()).isEqualTo("host alice.example.com belongs to another user");
        try (HttpWire wire = new HttpWire(httpPort)) {
            assertThat(wire.exchange(HttpWire.get("alice.example.com", "/login")).text()).contains("backend: alice");
        }
    }

    @Test
    void aHostUnderAnotherUsersWildcardIsRefused() throws Exception {
        assertThat(register(aliceToken, "alice-laptop", alicesService, List.of("*.alice.org"), null).accepted())
                .isTrue();

        TunnelResult.Status taken = register(malloryToken, "mallory-laptop", mallorysService,
                List.of("www.alice.org"), null);

        assertThat(taken.reason()).isEqualTo("host www.alice.org is under *.alice.org, which belongs to another user");
        try (HttpWire wire = new HttpWire(httpPort)) {
            assertThat(wire.exchange(HttpWire.get("www.alice.org", "/")).text()).contains("backend: alice");
        }
    }
}
