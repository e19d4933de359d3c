package dev.portway.server;

import dev.portway.client.TunnelClient;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.GroupOptions;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.testkit.HttpBackend;
import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import static dev.portway.server.testkit.TunnelFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/** Load-balancing groups of http tunnels end to end: one real server, three real clients, raw HTTP on loopback. */
@Timeout(120)
class HttpGroupIT {
    private static final List<String> NAMES = List.of("a", "b", "c");
    private static final String HOST = "web.tunnel.test";

    private TunnelFixture fixture;
    private int httpPort;
    private final Map<String, HttpBackend> backends = new ConcurrentHashMap<>();
    private final Map<String, TunnelClient> clients = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        httpPort = TunnelFixture.freePort();
        ServerConfig config = fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                .withHttp(new HttpConfig("tunnel.test", httpPort, 0));
        fixture.startServer(config);
        for (String name : NAMES) {
            backends.put(name, new HttpBackend(name));
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        backends.values().forEach(HttpBackend::close);
    }

    @Test
    void roundRobinSpreadsFreshConnectionsEvenlyOverThreeClients() throws Exception {
        startGroup();

        List<String> servedBy = askConcurrently(300, 6, null);

        for (String name : NAMES) {
            assertThat(servedBy.stream().filter(name::equals).count()).as("requests served by %s", name)
                    .isBetween(90L, 110L);
        }
    }

    @Test
    void everyRequestIsAnsweredWhileAMemberShutsDownMidRunAndTheOthersServeTheRest() throws Exception {
        startGroup();
        CountDownLatch halfway = new CountDownLatch(100);

        List<String> servedBy = askConcurrently(300, 4, halfway);

        assertThat(servedBy).hasSize(300).containsOnly("a", "b", "c");
        assertThat(servedBy.subList(200, 300)).doesNotContain("b").contains("a", "c");
    }

    @Test
    void aKeepAliveConnectionStaysWithItsMemberWhileNewConnectionsRotate() throws Exception {
        startGroup();
        try (HttpWire wire = new HttpWire(httpPort)) {
            String first = servedBy(wire.exchange(HttpWire.get(HOST, "/")));
            for (int i = 0; i < 5; i++) {
                assertThat(servedBy(wire.exchange(HttpWire.get(HOST, "/")))).isEqualTo(first);
            }
            assertThat(backends.get(first).connectionsAccepted()).isEqualTo(1);
        }
        assertThat(askConcurrently(3, 1, null)).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void aWrongKeyOtherRoutesOrAnotherPolicyIsRefusedWithTheReason() throws Exception {
        startGroup();
        HttpOptions otherRoutes = new HttpOptions("web", null, List.of("/api"), null, null, null, null, null);

        List<TunnelResult.Status> statuses = fixture.connect("x", new RecordingEvents(),
                member("x1", "a", webRoutes(), new GroupOptions("web", "not-the-key", null)),
                member("x2", "a", otherRoutes, new GroupOptions("web", "group-secret", null)),
                member("x3", "a", webRoutes(), new GroupOptions("web", "group-secret", "least-connections")));

        assertThat(statuses).noneMatch(TunnelResult.Status::accepted);
        assertThat(statuses.get(0).reason()).isEqualTo("group web: wrong groupKey");
        assertThat(statuses.get(1).reason()).isEqualTo("group web serves [web.tunnel.test/], not [web.tunnel.test/api]");
        assertThat(statuses.get(2).reason()).isEqualTo("group web balances round-robin, not least-connections");
        assertThat(askConcurrently(30, 3, null)).containsOnly("a", "b", "c").hasSize(30);
    }

    @Test
    void theRoutesAreReleasedWithTheLastMember() throws Exception {
        startGroup();
        for (String name : NAMES) {
            clients.get(name).close();
        }
        await(() -> fixture.server().sessions().size() == 0);

        try (HttpWire wire = new HttpWire(httpPort)) {
            assertThat(wire.exchange(HttpWire.get(HOST, "/")).status()).isEqualTo(404);
        }
        List<TunnelResult.Status> alone = fixture.connect("d", new RecordingEvents(),
                member("solo", "a", webRoutes(), null));
        assertThat(alone.get(0).accepted()).as(alone.get(0).reason()).isTrue();
    }

    // ---- helpers ----

    private static HttpOptions webRoutes() {
        return new HttpOptions("web", null, null, null, null, null, null, null);
    }

    private TunnelConfig member(String name, String backend, HttpOptions routes, GroupOptions group) {
        return new TunnelConfig(name, TunnelType.HTTP, new HostPort("127.0.0.1", backends.get(backend).port()), 0,
                routes, group);
    }

    /** Starts clients a, b and c, each with a member of group {@code web} in front of the backend of its name. */
    private void startGroup() throws Exception {
        for (String name : NAMES) {
            RecordingEvents events = new RecordingEvents();
            TunnelConfig tunnel = member("web", name, webRoutes(), new GroupOptions("web", "group-secret", null));
            clients.put(name, fixture.startClient(fixture.clientConfig(fixture.controlAddress().getPort(),
                    TunnelFixture.TOKEN, List.of(tunnel), Duration.ofSeconds(10)), name, events));
            TunnelResult.Status status = events.nextRegistration(WAIT).get(0);
            assertThat(status.accepted()).as(status.reason()).isTrue();
            assertThat(status.publicAddress()).isEqualTo("http://" + HOST + ":" + httpPort);
        }
    }

    /**
     * {@code count} requests, each on a fresh connection, from {@code threads} threads; who answered each, in the
     * order submitted. Every request must get a 200. When {@code stopB} is given, client b stops gracefully once it
     * has counted down.
     */
    private List<String> askConcurrently(int count, int threads, CountDownLatch stopB) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                answers.add(pool.submit(() -> {
                    try (HttpWire wire = new HttpWire(httpPort)) {
                        HttpWire.Response response = wire.exchange(HttpWire.get(HOST, "/"));
                        assertThat(response.status()).as(response.text()).isEqualTo(200);
                        return servedBy(response);
                    } finally {
                        if (stopB != null) {
                            stopB.countDown();
                        }
                    }
                }));
            }
            if (stopB != null) {
                stopB.await();
                clients.get("b").stop(Duration.ofSeconds(10));
            }
            List<String> servedBy = new ArrayList<>();
            for (Future<String> answer : answers) {
                servedBy.add(answer.get());
            }
            return servedBy;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String servedBy(HttpWire.Response response) {
        return response.text().lines().filter(line -> line.startsWith("backend: ")).findFirst()
                .map(line -> line.substring("backend: ".length())).orElseThrow();
    }

    /** Waits for server state that has no event of its own, such as sessions having gone. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            Thread.sleep(10);
        }
    }
}
