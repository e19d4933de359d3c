package dev.portway.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portway.client.TunnelClient;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.DatabaseSettings;
import dev.portway.server.config.QuotasConfig;
import dev.portway.server.config.ServerConfigLoader;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.NotificationReceiver;
import dev.portway.server.testkit.SseClient;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Scrape;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.Wire;
import dev.portway.storage.Storage;
import dev.portway.storage.apikeys.ApiKeyRole;
import dev.portway.storage.db.DatabaseConfig;
import dev.portway.storage.db.EmbeddedPostgresServer;
import dev.portway.storage.plans.AtLimit;
import dev.portway.storage.plans.Plan;
import dev.portway.storage.plans.PlanDraft;
import dev.portway.storage.plans.PlanLimits;
import dev.portway.storage.users.PlanChange;
import dev.portway.storage.usage.UsagePeriods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plans enforced by a real server on its embedded PostgreSQL, and a second node on the same database: bandwidth per
 * tunnel and per user, a monthly traffic allowance (warning, suspension within seconds of crossing, refusal with the
 * reason, lifted by raising the allowance; usage summed over both nodes), connections per tunnel, expiry, and what a
 * plan allows to register.
 */
@Timeout(240)
class PlanLimitsIT {
    private static final long MIB = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final QuotasConfig QUICK = new QuotasConfig(UsagePeriods.CALENDAR_UTC, Duration.ofMillis(500),
            Duration.ofSeconds(1));
    private TunnelFixture nodeA;
    private TunnelFixture nodeB;
    private EchoServer echo;
    private Storage storage;
    private long userId;
    private String token;
    private NotificationReceiver webhook;
    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        nodeA = new TunnelFixture();
        nodeB = new TunnelFixture();
        echo = new EchoServer();
        webhook = new NotificationReceiver(0);
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, """
                alerts:
                  interval: 100ms
                  clientOffline: {enabled: false}
                  tunnelDown: {enabled: false}
                  webhooks: [{url: "%s"}]
                """.formatted(webhook.url("/hook")));
        TunnelServer serverA = nodeA.startServer(nodeA.serverConfig(0, Duration.ofSeconds(10), 3)
                .withDatabase(DatabaseSettings.EMBEDDED).withQuotas(QUICK)
                .withAlerts(ServerConfigLoader.load(file).alerts()));
        storage = serverA.storage().orElseThrow().storage();
        userId = storage.users().create("carol").get(20, TimeUnit.SECONDS).id();
        token = storage.clientTokens().issue(userId).get(20, TimeUnit.SECONDS).token();
    }

    @AfterEach
    void tearDown() throws Exception {
        nodeB.close();
        nodeA.close();
        echo.close();
        webhook.close();
    }

    private void startNodeB() throws Exception {
        EmbeddedPostgresServer postgres = nodeA.server().storage().orElseThrow().database().embeddedServer()
                .orElseThrow();
        nodeB.startServer(nodeB.serverConfig(0, Duration.ofSeconds(10), 3)
                .withDatabase(new DatabaseSettings(true, new DatabaseConfig(postgres.jdbcUrl(), postgres.user(),
                        postgres.password(), 4)))
                .withQuotas(QUICK));
    }

    private static PlanLimits limits(Long traffic, Long perUser, Long perTunnel, Integer connectionsPerTunnel) {
        return new PlanLimits(traffic, AtLimit.SUSPEND, null, PlanLimits.DEFAULT_WARNING_SHARE, perUser, perTunnel,
                connectionsPerTunnel, null, null, null, null, null, null, true);
    }

    private Plan givePlan(String name, PlanLimits limits) throws Exception {
        Plan plan = storage.plans().create(new PlanDraft(name, false, limits)).get(20, TimeUnit.SECONDS);
        storage.users().changePlan(userId, PlanChange.plan(plan.id())).get(20, TimeUnit.SECONDS);
        return plan;
    }

    private record Connected(TunnelClient client, RecordingEvents events, List<TunnelResult.Status> statuses) {
        int port(int index) {
            return TunnelFixture.port(statuses.get(index));
        }
    }

    private Connected connect(TunnelFixture node, String clientId, TunnelConfig... tunnels) throws Exception {
        RecordingEvents events = new RecordingEvents();
        TunnelClient client = node.startClient(node.clientConfig(node.controlAddress().getPort(), token,
                List.of(tunnels), Duration.ofSeconds(10)), clientId, events);
        return new Connected(client, events, events.nextRegistration(TunnelFixture.WAIT));
    }

    private static Wire.Exchange echoed(int port, long bytes, long seed) throws Exception {
        Wire.Exchange exchange = Wire.echo(port, bytes, seed);
        assertThat(exchange.received()).isEqualTo(bytes);
        assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
        return exchange;
    }

    @Test
    void aTunnelOfOneMebibyteASecondCarriesTwentyMebibytesInTwentySecondsAndTwoTunnelsShareTheUsersLimit()
            throws Exception {
        givePlan("one-meg-tunnel", limits(null, null, MIB, null));
        Connected carol = connect(nodeA, "carol", TunnelFixture.tcp("big", echo.port(), 0));
        long started = System.nanoTime();
        // Every byte goes up to the local echo service and back: both sides see all 20 MiB, in order.
        echoed(carol.port(0), 20 * MIB, 31);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("plan bandwidthPerTunnel 1 MiB/s: 20 MiB echoed in %.1f s%n", seconds);
        assertThat(seconds).as("one second's burst, then 1 MiB/s").isBetween(18.0, 22.0);
        carol.client().close();

        Plan shared = storage.plans().create(new PlanDraft("one-meg-user", false, limits(null, MIB, null, null)))
                .get(20, TimeUnit.SECONDS);
        storage.users().changePlan(userId, PlanChange.plan(shared.id())).get(20, TimeUnit.SECONDS);
        Connected two = connect(nodeA, "carol-2", TunnelFixture.tcp("one", echo.port(), 0),
                TunnelFixture.tcp("two", echo.port(), 0));
        started = System.nanoTime();
        CompletableFuture<Wire.Exchange> first = CompletableFuture.supplyAsync(() -> unchecked(two.port(0), 32));
        CompletableFuture<Wire.Exchange> second = CompletableFuture.supplyAsync(() -> unchecked(two.port(1), 33));
        CompletableFuture.allOf(first, second).join();
        seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("plan bandwidthPerUser 1 MiB/s: 2 tunnels x 4 MiB echoed together in %.1f s%n", seconds);
        assertThat(seconds).as("8 MiB each way through one user's 1 MiB/s").isBetween(6.5, 12.0);
    }

    private static Wire.Exchange unchecked(int port, long seed) {
        try {
            return echoed(port, 4 * MIB, seed);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anAllowanceWarnsOnceSuspendsWithTheReasonAndLetsTheUserBackWhenRaised() throws Exception {
        Plan plan = givePlan("fifty-megs", limits(50 * MIB, null, null, null));
        String userKey = storage.apiKeys().issue(userId, ApiKeyRole.USER).get(20, TimeUnit.SECONDS).key();
        SseClient events = SseClient.open(nodeA.server().adminAddress(), "/api/v1/events", userKey, null);
        Connected carol = connect(nodeA, "carol", TunnelFixture.tcp("files", echo.port(), 0));
        // In and out both count: 21 MiB echoed is 42 MiB, past the warning at 40 MiB.
        echoed(carol.port(0), 21 * MIB, 41);
        Scrape.until(nodeA.server().adminAddress(),
                scrape -> value(scrape, "traffic_nearly_used") == 1.0);

        echoed(carol.port(0), 5 * MIB, 42);
        long crossed = System.nanoTime();
        String reason = carol.events().nextDisconnect(Duration.ofSeconds(15));
        double seconds = (System.nanoTime() - crossed) / 1e9;
        System.out.printf("allowance crossed, client disconnected %.1f s later: %s%n", seconds, reason);
        assertThat(seconds).isLessThan(10.0);
        assertThat(reason).startsWith("the server closed the connection: monthly traffic allowance used: 54.5 MB"
                + " of 52.4 MB; resets ");
        RecordingEvents.Suspension refused = carol.events().nextSuspension(Duration.ofSeconds(10));
        assertThat(refused.reason()).startsWith("monthly traffic allowance used: 54.5 MB of 52.4 MB; resets ");
        assertThat(refused.liftsAt()).isNotNull();
        assertThat(refused.retryMillis()).isEqualTo(1000);
        assertThat(carol.events().nextSuspension(Duration.ofSeconds(10)).reason())
                .as("still refused on the next try").isEqualTo(refused.reason());
        Scrape scrape = Scrape.of(nodeA.server().adminAddress());
        assertThat(value(scrape, "traffic_nearly_used")).as("the warning fired once").isEqualTo(1.0);
        assertThat(value(scrape, "traffic_exceeded")).isEqualTo(1.0);
        assertThat(events.next(m -> m.event().equals("quota.warning"), Duration.ofSeconds(5))).isNotNull();
        SseClient.Message suspended = events.next(m -> m.event().equals("quota.suspended"), Duration.ofSeconds(5));
        assertThat(suspended.data()).contains("\"user\":\"carol\"", "monthly traffic allowance used");
        events.close();
        List<JsonNode> alerts = List.of(JSON.readTree(webhook.next(Duration.ofSeconds(10)).body()),
                JSON.readTree(webhook.next(Duration.ofSeconds(10)).body()));
        assertThat(alerts).extracting(alert -> alert.path("labels").path("kind").asText())
                .containsExactlyInAnyOrder("traffic_nearly_used", "traffic_exceeded");
        assertThat(alerts).allMatch(alert -> alert.path("alert").asText().equals("PortwayQuotaNearlyUsed")
                && alert.path("state").asText().equals("firing"));
        HttpResponse<String> usage = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + nodeA.server().adminAddress().getPort() + "/api/v1/users/" + userId
                                + "/usage")).header("Authorization", "Bearer " + userKey).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(usage.statusCode()).isEqualTo(200);
        JsonNode standing = JSON.readTree(usage.body());
        assertThat(standing.path("state").asText()).isEqualTo("suspended");
        assertThat(standing.path("allowance").asLong()).isEqualTo(50 * MIB);
        assertThat(standing.path("used").asLong()).isGreaterThanOrEqualTo(50 * MIB);

        storage.plans().update(plan.id(), new PlanDraft(plan.name(), false, limits(100 * MIB, null, null, null)))
                .get(20, TimeUnit.SECONDS);
        List<TunnelResult.Status> back = carol.events().nextRegistration(Duration.ofSeconds(15));
        assertThat(back.get(0).accepted()).as("let back in without a restart").isTrue();
        echoed(TunnelFixture.port(back.get(0)), MIB, 43);
    }

    @Test
    void usageOnTwoNodesCountsAgainstOneAllowance() throws Exception {
        startNodeB();
        givePlan("fifty-megs", limits(50 * MIB, null, null, null));
        Connected onA = connect(nodeA, "carol-a", TunnelFixture.tcp("a", echo.port(), 0));
        Connected onB = connect(nodeB, "carol-b", TunnelFixture.tcp("b", echo.port(), 0));
        // 30 MiB through node A and 24 MiB through node B: neither alone reaches 50 MiB.
        echoed(onA.port(0), 15 * MIB, 51);
        echoed(onB.port(0), 12 * MIB, 52);
        assertThat(onA.events().nextDisconnect(Duration.ofSeconds(20)))
                .contains("monthly traffic allowance used: ");
        assertThat(onB.events().nextDisconnect(Duration.ofSeconds(20)))
                .contains("monthly traffic allowance used: ");
        assertThat(onB.events().nextSuspension(Duration.ofSeconds(10)).reason())
                .startsWith("monthly traffic allowance used: ");
    }

    @Test
    void aFourthConnectionOverThePlansThreeIsRefusedAndCounted() throws Exception {
        givePlan("three-at-once", limits(null, null, null, 3));
        Connected carol = connect(nodeA, "carol", TunnelFixture.tcp("ssh", echo.port(), 0));
        List<java.net.Socket> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                java.net.Socket socket = new java.net.Socket("127.0.0.1", carol.port(0));
                socket.getOutputStream().write(1);
                assertThat(socket.getInputStream().read()).isEqualTo(1);
                open.add(socket);
            }
            assertThat(Wire.refusedWithoutAnswer(carol.port(0), "127.0.0.1")).isTrue();
            assertThat(Scrape.of(nodeA.server().adminAddress())
                    .value("portway_public_connections_total{reason=\"limit\",result=\"refused\"}")).isEqualTo(1.0);
        } finally {
            for (java.net.Socket socket : open) {
                socket.close();
            }
        }
    }

    @Test
    void anExpiredUserIsDisconnectedAndRefused() throws Exception {
        Connected carol = connect(nodeA, "carol", TunnelFixture.tcp("ssh", echo.port(), 0));
        storage.users().changePlan(userId, PlanChange.expiry(Instant.parse("2026-01-31T00:00:00Z")))
                .get(20, TimeUnit.SECONDS);
        assertThat(carol.events().nextDisconnect(Duration.ofSeconds(10)))
                .isEqualTo("the server closed the connection: expired: access ended 2026-01-31");
        RecordingEvents.Suspension refused = carol.events().nextSuspension(Duration.ofSeconds(10));
        assertThat(refused.reason()).isEqualTo("expired: access ended 2026-01-31");
        assertThat(refused.liftsAt()).isNull();
    }

    @Test
    void aPlanDecidesWhatMayRegister() throws Exception {
        givePlan("tcp-only", new PlanLimits(null, AtLimit.SUSPEND, null, 0.8, null, null, null, null, 1, null,
                Set.of(TunnelType.TCP), 20000, 20100, false));
        Connected carol = connect(nodeA, "carol", TunnelFixture.tcp("random", echo.port(), 0),
                TunnelFixture.tcp("outside", echo.port(), 30000), TunnelFixture.tcp("inside", echo.port(),
                        TunnelFixture.freePort() % 100 + 20000), new TunnelConfig("voice", TunnelType.UDP,
                        new HostPort("127.0.0.1", echo.port()), 20001, null, null));
        assertThat(carol.statuses()).extracting(TunnelResult.Status::reason).containsExactly(
                "plan \"tcp-only\" allows ports 20000-20100 only: ask for one (remotePort)",
                "port 30000 is outside 20000-20100, the ports plan \"tcp-only\" allows",
                null,
                "tunnel type udp is not part of plan \"tcp-only\"");
        Connected second = connect(nodeA, "carol-2", TunnelFixture.tcp("second", echo.port(), 20099));
        assertThat(second.statuses().get(0).reason()).isEqualTo("user holds 1 tunnels, as many as plan \"tcp-only\""
                + " allows");
    }

    private static double value(Scrape scrape, String kind) {
        Double value = scrape.value("portway_quota_events_total{kind=\"" + kind + "\"}");
        return value == null ? 0 : value;
    }
}
