package dev.portway.server;

import dev.portway.client.TunnelClient;
import dev.portway.client.config.HealthCheckConfig;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.GroupOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.control.ClientSession;
import dev.portway.server.testkit.FreezableRelay;
import dev.portway.server.testkit.NamedHttpService;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static dev.portway.server.testkit.NamedHttpService.ask;
import static dev.portway.server.testkit.TunnelFixture.WAIT;
import static dev.portway.server.testkit.TunnelFixture.port;
import static org.assertj.core.api.Assertions.assertThat;

/** Load-balancing groups end to end: one real server, three real clients over TLS on loopback. */
@Timeout(120)
class LoadBalancingGroupIT {
    private static final List<String> NAMES = List.of("a", "b", "c");

    private TunnelFixture fixture;
    private final Map<String, NamedHttpService> services = new ConcurrentHashMap<>();
    private final Map<String, RecordingEvents> events = new ConcurrentHashMap<>();
    private final Map<String, TunnelClient> clients = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        fixture.startServer();
        for (String name : NAMES) {
            services.put(name, new NamedHttpService(name));
        }
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
        for (NamedHttpService service : services.values()) {
            service.close();
        }
    }

    @Test
    void roundRobinSpreadsConnectionsEvenlyOverThreeClients() throws Exception {
        int port = startGroup("round-robin", null);

        Map<String, AtomicInteger> served = askConcurrently(port, 300, 6);

        for (String name : NAMES) {
            assertThat(served.get(name).get()).as("connections served by %s", name).isBetween(90, 110);
        }
    }

    @Test
    void leastConnectionsSendsNewConnectionsToTheIdleMembers() throws Exception {
        int port = port(join("a", "least-connections", 0, null).get(0));
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                StringBuilder by = new StringBuilder();
                held.add(NamedHttpService.hold(port, by));
                assertThat(by.toString()).isEqualTo("a");
            }
            assertThat(join("b", "least-connections", port, null).get(0).accepted()).isTrue();
            assertThat(join("c", "least-connections", port, null).get(0).accepted()).isTrue();

            List<String> next = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                StringBuilder by = new StringBuilder();
                held.add(NamedHttpService.hold(port, by));
                next.add(by.toString());
            }

            assertThat(next).doesNotContain("a").containsOnly("b", "c");
            assertThat(next.stream().filter("b"::equals).count()).isEqualTo(2);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void everyPublicConnectionIsAnsweredWhileAMemberShutsDownMidRun() throws Exception {
        int port = startGroup("round-robin", null);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch halfway = new CountDownLatch(150);
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                answers.add(pool.submit(() -> {
                    try {
                        return ask(port);
                    } finally {
                        halfway.countDown();
                    }
                }));
            }
            halfway.await();
            clients.get("b").stop(Duration.ofSeconds(10));

            List<String> servedBy = new ArrayList<>();
            for (Future<String> answer : answers) {
                servedBy.add(answer.get());
            }
            assertThat(servedBy).hasSize(600).containsOnly("a", "b", "c");
            List<String> last = servedBy.subList(500, 600);
            assertThat(last).doesNotContain("b").contains("a", "c");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aMemberWhoseLocalServiceIsDownPassesItsConnectionsOnWithoutAHealthCheck() throws Exception {
        int port = startGroup("round-robin", null);
        services.get("b").stop();

        Map<String, AtomicInteger> served = askConcurrently(port, 90, 3);

        assertThat(served.get("b").get()).isZero();
        assertThat(served.get("a").get() + served.get("c").get()).isEqualTo(90);
    }

    @Test
    void aKilledMemberLeavesTheGroupAndTheOthersServeEveryNewConnection() throws Exception {
        int port = startGroup("round-robin", null);
        assertThat(askConcurrently(port, 30, 3).get("c").get()).isEqualTo(10);

        clients.get("c").close();
        Map<String, AtomicInteger> served = askConcurrently(port, 100, 4);

        assertThat(served.get("c").get()).isZero();
        assertThat(served.get("a").get() + served.get("b").get()).isEqualTo(100);
    }

    @Test
    void aMemberWhoseClientReconnectsIsTakenOverAndKeepsItsShare() throws Exception {
        try (FreezableRelay relay = new FreezableRelay(fixture.controlAddress())) {
            int port = port(join("a", relay.port(), Duration.ofMillis(500), "round-robin", 0, null).get(0));
            assertThat(port(join("b", "round-robin", port, null).get(0))).isEqualTo(port);

            relay.freezeExisting();
            List<TunnelResult.Status> again = events.get("a").nextRegistration(WAIT);

            assertThat(again.get(0).accepted()).as(again.toString()).isTrue();
            assertThat(port(again.get(0))).isEqualTo(port);
            Map<String, AtomicInteger> served = askConcurrently(port, 30, 3);
            assertThat(served.get("a").get()).isEqualTo(15);
            assertThat(served.get("b").get()).isEqualTo(15);
        }
    }

    @Test
    void theGroupPortClosesWithItsLastMember() throws Exception {
        int port = startGroup("round-robin", null);
        for (String name : NAMES) {
            clients.get(name).close();
        }
        await(() -> fixture.server().sessions().size() == 0);

        // The port closes on the session's loop just after the session leaves the registry.
        await(() -> refused(port));
    }

    private static boolean refused(int port) {
        try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (ConnectException closed) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }

    @Test
    void aWrongKeyAnotherPortOrAnotherPolicyIsRefusedWithTheReason() throws Exception {
        int port = startGroup("round-robin", null);
        TunnelConfig wrongKey = member("x1", 0, "round-robin", null, "not-the-key");
        TunnelConfig otherPort = member("x2", TunnelFixture.freePort(), "round-robin", null, "group-secret");
        TunnelConfig otherPolicy = member("x3", port, "least-connections", null, "group-secret");

        List<TunnelResult.Status> statuses = fixture.connect("x", new RecordingEvents(), wrongKey, otherPort,
                otherPolicy);

        assertThat(statuses).noneMatch(TunnelResult.Status::accepted);
        assertThat(statuses.get(0).reason()).isEqualTo("group web: wrong groupKey");
        assertThat(statuses.get(1).reason()).startsWith("group web shares port " + port + ", not ");
        assertThat(statuses.get(2).reason()).isEqualTo("group web balances round-robin, not least-connections");
        assertThat(askConcurrently(port, 30, 3).values()).allMatch(count -> count.get() == 10);
    }

    @Test
    void aFailingHealthCheckTakesTheMemberOutUntilItPassesAgain() throws Exception {
        HealthCheckConfig check = new HealthCheckConfig(HealthCheckConfig.Type.HTTP, "/health",
                Duration.ofMillis(200), 2, Duration.ofMillis(500));
        int port = startGroup("round-robin", check);

        services.get("b").stop();
        assertThat(events.get("b").nextHealthChange(WAIT)).isFalse();
        await(() -> !tunnelsOf("b").containsKey("web"));
        Map<String, AtomicInteger> without = askConcurrently(port, 60, 3);
        assertThat(without.get("b").get()).isZero();
        assertThat(without.get("a").get()).isEqualTo(30);
        assertThat(without.get("c").get()).isEqualTo(30);

        services.get("b").restart();
        assertThat(events.get("b").nextHealthChange(WAIT)).isTrue();
        assertThat(events.get("b").nextRegistration(WAIT).get(0).accepted()).isTrue();
        Map<String, AtomicInteger> with = askConcurrently(port, 60, 3);
        assertThat(with.get("b").get()).isEqualTo(20);
    }

    // ---- helpers ----

    /** Starts clients a, b and c with one member each of group {@code web}; returns the group's port. */
    private int startGroup(String policy, HealthCheckConfig check) throws Exception {
        List<TunnelResult.Status> first = join("a", policy, 0, check);
        assertThat(first.get(0).accepted()).as(first.toString()).isTrue();
        int port = port(first.get(0));
        for (String name : List.of("b", "c")) {
            List<TunnelResult.Status> joined = join(name, policy, 0, check);
            assertThat(joined.get(0).accepted()).as(joined.toString()).isTrue();
            assertThat(port(joined.get(0))).isEqualTo(port);
        }
        return port;
    }

    private List<TunnelResult.Status> join(String client, String policy, int remotePort, HealthCheckConfig check)
            throws Exception {
        return join(client, fixture.controlAddress().getPort(), Duration.ofSeconds(10), policy, remotePort, check);
    }

    /** Starts {@code client} with a member of group {@code web}, connecting to {@code serverPort} (maybe a relay). */
    private List<TunnelResult.Status> join(String client, int serverPort, Duration keepAlive, String policy,
                                           int remotePort, HealthCheckConfig check) throws Exception {
        RecordingEvents recording = new RecordingEvents();
        events.put(client, recording);
        TunnelConfig tunnel = new TunnelConfig("web", TunnelType.TCP,
                new HostPort("127.0.0.1", services.get(client).port()), remotePort, null,
                new GroupOptions("web", "group-secret", policy), check, null);
        clients.put(client, fixture.startClient(fixture.clientConfig(serverPort, TunnelFixture.TOKEN, List.of(tunnel),
                keepAlive), client, recording));
        return recording.nextRegistration(WAIT);
    }

    private TunnelConfig member(String name, int remotePort, String policy, HealthCheckConfig check, String key) {
        return new TunnelConfig(name, TunnelType.TCP, new HostPort("127.0.0.1", services.get("a").port()),
                remotePort, null, new GroupOptions("web", key, policy), check, null);
    }

    private Map<String, String> tunnelsOf(String clientId) {
        return fixture.server().sessions().all().stream()
                .filter(session -> session.clientId().equals(clientId))
                .findFirst()
                .map(ClientSession::tunnelAddresses)
                .orElse(Map.of());
    }

    /** {@code count} requests from {@code threads} threads; how many each service answered. Every one must answer. */
    private static Map<String, AtomicInteger> askConcurrently(int port, int count, int threads) throws Exception {
        Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
        for (String name : NAMES) {
            served.put(name, new AtomicInteger());
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                answers.add(pool.submit(() -> ask(port)));
            }
            for (Future<String> answer : answers) {
                served.get(answer.get()).incrementAndGet();
            }
        } finally {
            pool.shutdownNow();
        }
        return served;
    }

    /** Waits for server state that has no event of its own, such as an unregistration having been applied. */
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
