package dev.portway.server;

import dev.portway.client.TunnelClient;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.DatabaseSettings;
import dev.portway.server.config.DomainProofConfig;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.testkit.HttpBackend;
import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.storage.Storage;
import dev.portway.storage.claims.ClaimKind;
import dev.portway.storage.db.DatabaseConfig;
import dev.portway.storage.db.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ownership that outlives a connection: two server nodes on one database (the first one's embedded PostgreSQL), so
 * a host one user took on node A is refused to another user on node B, whose router never saw it; reservations made
 * through storage (as the admin API makes them) for wildcards under the server's domain, ports and proven domains.
 */
@Timeout(120)
class StoredClaimsIT {
    private static final String DOMAIN = "tunnel.test";
    private TunnelFixture nodeA;
    private TunnelFixture nodeB;
    private HttpBackend alicesService;
    private HttpBackend mallorysService;
    private int httpPortA;
    private int httpPortB;
    private Storage storage;
    private long aliceId;
    private long malloryId;
    private String aliceToken;
    private String malloryToken;

    @BeforeEach
    void setUp() throws Exception {
        nodeA = new TunnelFixture();
        nodeB = new TunnelFixture();
        alicesService = new HttpBackend("alice");
        mallorysService = new HttpBackend("mallory");
        httpPortA = TunnelFixture.freePort();
        httpPortB = TunnelFixture.freePort();
        TunnelServer serverA = nodeA.startServer(nodeA.serverConfig(0, Duration.ofSeconds(10), 3)
                .withDatabase(DatabaseSettings.EMBEDDED).withHttp(new HttpConfig(DOMAIN, httpPortA, 0)));
        EmbeddedPostgresServer postgres = serverA.storage().orElseThrow().database().embeddedServer().orElseThrow();
        // Node B requires proof of custom domains; node A does not. Both keep one table of claims.
        nodeB.startServer(nodeB.serverConfig(0, Duration.ofSeconds(10), 3)
                .withDatabase(new DatabaseSettings(true, new DatabaseConfig(postgres.jdbcUrl(), postgres.user(),
                        postgres.password(), 4)))
                .withHttp(new HttpConfig(DOMAIN, httpPortB, 0))
                .withDomainProof(new DomainProofConfig(true, List.of())));
        storage = serverA.storage().orElseThrow().storage();
        aliceId = storage.users().create("alice").get(20, TimeUnit.SECONDS).id();
        malloryId = storage.users().create("mallory").get(20, TimeUnit.SECONDS).id();
        aliceToken = storage.clientTokens().issue(aliceId).get(20, TimeUnit.SECONDS).token();
        malloryToken = storage.clientTokens().issue(malloryId).get(20, TimeUnit.SECONDS).token();
    }

    @AfterEach
    void tearDown() throws Exception {
        nodeB.close();
        nodeA.close();
        alicesService.close();
        mallorysService.close();
    }

    private static TunnelConfig web(HttpBackend service, String subdomain, List<String> domains) {
        return new TunnelConfig("site", TunnelType.HTTP, new HostPort("127.0.0.1", service.port()), 0,
                new HttpOptions(subdomain, domains, null, null, null, null, null, null), null);
    }

    private static Registered register(TunnelFixture node, String token, String clientId, TunnelConfig tunnel)
            throws Exception {
        RecordingEvents events = new RecordingEvents();
        TunnelClient client = node.startClient(node.clientConfig(node.controlAddress().getPort(), token,
                List.of(tunnel), Duration.ofSeconds(10)), clientId, events);
        return new Registered(client, events.nextRegistration(TunnelFixture.WAIT).get(0));
    }

    private record Registered(TunnelClient client, TunnelResult.Status status) {
    }

    @Test
    void aHostTakenOnOneNodeIsRefusedToAnotherUserOnTheOtherWhileItsOwnerIsOffline() throws Exception {
        Registered alice = register(nodeA, aliceToken, "alice-laptop", web(alicesService, "alice",
                List.of("alice.example.com")));
        assertThat(alice.status().accepted()).isTrue();
        alice.client().close();

        Registered subdomain = register(nodeB, malloryToken, "mallory-1", web(mallorysService, "alice", List.of()));
        assertThat(subdomain.status().reason()).isEqualTo("host alice." + DOMAIN + " belongs to another user");
        Registered custom = register(nodeA, malloryToken, "mallory-2", web(mallorysService, null,
                List.of("alice.example.com")));
        assertThat(custom.status().reason()).isEqualTo("host alice.example.com belongs to another user");
        assertThat(storage.claims().find(ClaimKind.HOST, "alice.example.com").get(20, TimeUnit.SECONDS)
                .orElseThrow().userName()).isEqualTo("alice");

        Registered back = register(nodeB, aliceToken, "alice-desktop", web(alicesService, "alice", List.of()));
        assertThat(back.status().accepted()).as("the owner, on the other node").isTrue();
        try (HttpWire wire = new HttpWire(httpPortB)) {
            assertThat(wire.exchange(HttpWire.get("alice." + DOMAIN, "/")).text()).contains("backend: alice");
        }
    }

    @Test
    void aWildcardUnderTheServersDomainNeedsAnAdminsReservation() throws Exception {
        String team = "*.team." + DOMAIN;
        Registered refused = register(nodeA, malloryToken, "mallory", web(mallorysService, null, List.of(team)));
        assertThat(refused.status().reason()).startsWith(team + " must be reserved to you by an administrator");

        storage.claims().reserve(aliceId, ClaimKind.HOST, team, true).get(20, TimeUnit.SECONDS);
        Registered alice = register(nodeA, aliceToken, "alice", web(alicesService, null, List.of(team)));
        assertThat(alice.status().accepted()).isTrue();
        try (HttpWire wire = new HttpWire(httpPortA)) {
            assertThat(wire.exchange(HttpWire.get("x.team." + DOMAIN, "/")).text()).contains("backend: alice");
        }
        Registered under = register(nodeB, malloryToken, "mallory-b", web(mallorysService, null,
                List.of("x.team." + DOMAIN)));
        assertThat(under.status().reason())
                .isEqualTo("host x.team." + DOMAIN + " is under " + team + ", which belongs to another user");
    }

    @Test
    void aReservedPortIsItsOwnersAlone() throws Exception {
        int port = TunnelFixture.freePort();
        storage.claims().reserve(aliceId, ClaimKind.PORT, Integer.toString(port), false).get(20, TimeUnit.SECONDS);

        Registered mallory = register(nodeB, malloryToken, "mallory",
                TunnelFixture.tcp("ssh", mallorysService.port(), port));
        assertThat(mallory.status().reason()).isEqualTo("port " + port + " is reserved to another user");
        Registered alice = register(nodeA, aliceToken, "alice", TunnelFixture.tcp("ssh", alicesService.port(), port));
        assertThat(alice.status().accepted()).isTrue();
        assertThat(TunnelFixture.port(alice.status())).isEqualTo(port);
    }

    @Test
    void aCustomDomainIsServedOnlyOnceProvenWhereTheServerRequiresProof() throws Exception {
        TunnelConfig shop = web(mallorysService, null, List.of("shop.mallory.org"));
        Registered unproven = register(nodeB, malloryToken, "mallory-1", shop);
        assertThat(unproven.status().reason()).startsWith("shop.mallory.org must be proven yours first");
        unproven.client().close();

        storage.claims().reserve(malloryId, ClaimKind.HOST, "shop.mallory.org", false).get(20, TimeUnit.SECONDS);
        Registered reserved = register(nodeB, malloryToken, "mallory-2", shop);
        assertThat(reserved.status().accepted()).as("reserved, not yet proven").isFalse();
        reserved.client().close();

        storage.claims().markVerified(ClaimKind.HOST, "shop.mallory.org").get(20, TimeUnit.SECONDS);
        Registered proven = register(nodeB, malloryToken, "mallory-3", shop);
        assertThat(proven.status().accepted()).isTrue();
        Registered alice = register(nodeA, aliceToken, "alice", web(alicesService, null,
                List.of("shop.mallory.org")));
        assertThat(alice.status().reason()).as("node A needs no proof, but the host is owned")
                .isEqualTo("host shop.mallory.org belongs to another user");
    }
}
