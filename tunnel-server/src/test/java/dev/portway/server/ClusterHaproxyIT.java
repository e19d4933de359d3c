package dev.portway.server;

import dev.portway.client.TunnelClient;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.testkit.ClaimWatch;
import dev.portway.server.testkit.ClusterFixture;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.FreePorts;
import dev.portway.server.testkit.HaproxyProcess;
import dev.portway.server.testkit.HttpBackend;
import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.PatternStream;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.Wire;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three server processes ({@link ClusterFixture}) on one PostgreSQL with HAProxy from Debian in front, running the
 * deployment example {@code deploy/haproxy/haproxy.cfg} on loopback ({@link HaproxyProcess}): clients that dial
 * HAProxy's control port land on different nodes, and every tcp and http tunnel is reached through HAProxy and
 * through every node; kill -9 of the node holding 100 clients; a rolling restart of all three nodes under a
 * fixed-rate HTTP load through HAProxy. Two clients on two nodes asking for one port: {@link ClusterIT}.
 */
@Timeout(600)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterHaproxyIT {
    private static final List<String> ADDRESSES = List.of("127.0.0.11", "127.0.0.12", "127.0.0.13");
    /** Clients on the node that is killed. */
    private static final int CROWD = 100;
    private static final int CROWD_BATCH = 10;
    /** One client per node, each with a tcp and an http tunnel, connected through HAProxy. */
    private static final int SPREAD = HaproxyProcess.SERVERS.size();
    private static final Duration UP = Duration.ofSeconds(30);
    private static final Duration FORWARDED = Duration.ofSeconds(15);

    private static ClusterFixture cluster;
    private static final List<ClusterFixture.Node> nodes = new ArrayList<>();
    private static ClusterFixture.Ports ports;
    /** The first of HAProxy's tcp tunnel ports: {@link #CROWD} for the crowd, then {@link #SPREAD}. */
    private static int tunnels;
    private static HaproxyProcess haproxy;
    private static EchoServer echo;
    private static final List<HttpBackend> backends = new ArrayList<>();
    private static TunnelFixture clients;
    private static final List<String> spread = new ArrayList<>();
    private static final Map<String, RecordingEvents> EVENTS = new HashMap<>();

    @BeforeAll
    static void startClusterBehindHaproxy() throws Exception {
        assumeTrue(HaproxyProcess.installed(), "haproxy is not installed");
        cluster = new ClusterFixture();
        ports = ClusterFixture.Ports.free(true);
        tunnels = FreePorts.range(CROWD + SPREAD);
        for (int i = 0; i < ADDRESSES.size(); i++) {
            nodes.add(cluster.start(HaproxyProcess.SERVERS.get(i), ADDRESSES.get(i), ports));
        }
        haproxy = HaproxyProcess.start(new HaproxyProcess.Layout(ADDRESSES, ports.control(), ports.http(),
                ports.admin(), tunnels, tunnels + CROWD + SPREAD - 1));
        for (String server : HaproxyProcess.SERVERS) {
            haproxy.awaitStatus(server, "UP", UP);
        }
        echo = new EchoServer();
        clients = new TunnelFixture();
        for (int i = 0; i < SPREAD; i++) {
            HttpBackend backend = new HttpBackend("web-" + i);
            backends.add(backend);
            String id = "spread-" + i;
            spread.add(id);
            clients.startClient(cluster.clientConfig(List.of(HaproxyProcess.frontend(ports.control())),
                    TunnelFixture.tcp("tcp", echo.port(), spreadPort(i)), http(backend, i)), id, events(id));
        }
    }

    /** A client's events, registrations checked as they come. */
    private static RecordingEvents events(String clientId) {
        return EVENTS.computeIfAbsent(clientId, id -> new RecordingEvents());
    }

    private static TunnelConfig http(HttpBackend backend, int i) {
        return new TunnelConfig("web", TunnelType.HTTP, new HostPort("127.0.0.1", backend.port()), 0,
                new HttpOptions(subdomain(i), null, null, null, null, null, null, null), null);
    }

    private static String subdomain(int i) {
        return "app-" + i;
    }

    private static String host(int i) {
        return subdomain(i) + "." + ClusterFixture.DOMAIN;
    }

    private static int spreadPort(int i) {
        return tunnels + CROWD + i;
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (haproxy != null) {
            haproxy.close();
        }
        if (clients != null) {
            clients.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        backends.forEach(HttpBackend::close);
        if (echo != null) {
            echo.close();
        }
    }

    @Test
    @Order(1)
    void clientsThroughHaproxyLandOnEveryNodeAndEveryTunnelIsReachedThroughHaproxyAndThroughEveryNode()
            throws Exception {
        for (String id : spread) {
            assertThat(events(id).nextRegistration(TunnelFixture.WAIT)).hasSize(2)
                    .allSatisfy(status -> assertThat(status.accepted()).as(status.reason()).isTrue());
        }
        assertThat(cluster.nodeOfAll(spread)).as("leastconn spreads the clients")
                .containsExactlyInAnyOrderElementsOf(HaproxyProcess.SERVERS);

        List<InetSocketAddress> entries = new ArrayList<>();
        entries.add(HaproxyProcess.frontend(0));
        nodes.forEach(node -> entries.add(node.at(0)));
        // The other nodes start forwarding a tunnel moments after its claim.
        long deadline = System.nanoTime() + FORWARDED.toNanos();
        for (int i = 0; i < SPREAD; i++) {
            for (InetSocketAddress entry : entries) {
                Wire.Exchange exchange = Wire.awaitEcho(entry.getAddress(), spreadPort(i), 64 * 1024, deadline);
                assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
                InetSocketAddress web = new InetSocketAddress(entry.getAddress(), ports.http());
                String problem = download(web, i, 64 * 1024, i);
                while (problem != null && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    problem = download(web, i, 64 * 1024, i);
                }
                assertThat(problem).as("http tunnel %d through %s", i, entry.getHostString()).isNull();
            }
        }
    }

    /**
     * GET {@code bytes} of {@link PatternStream}{@code (seed)} from the http tunnel of {@code host(i)} at {@code web};
     * then this side ends the connection and the other side must close it too. Null when all went well, else what
     * went wrong.
     */
    private static String download(InetSocketAddress web, int i, int bytes, long seed) {
        try (HttpWire wire = new HttpWire(web.getAddress(), web.getPort())) {
            wire.send(HttpWire.get(host(i), "/download?bytes=" + bytes + "&seed=" + seed));
            HttpWire.Response head = wire.readHead();
            if (head.status() != 200) {
                return head.statusLine();
            }
            if (!PatternStream.sha256(seed, bytes).equals(wire.readBodySha256(bytes))) {
                return "body differs";
            }
            wire.shutdownOutput();
            return wire.closedByPeer() ? null : "the server did not close after this side's end";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    @Order(2)
    void killingTheNodeOf100ClientsMovesThemAllWithTheirPortsWithin15Seconds() throws Exception {
        ClusterFixture.Node victim = nodes.get(2);
        Map<String, String> owners = new HashMap<>();
        List<TunnelClient> crowd = new ArrayList<>();
        // In batches below limits.handshakesPerSource (32): a client the victim turned away would fail over to the
        // next node, and the crowd would not all be the victim's.
        for (int batch = 0; batch < CROWD; batch += CROWD_BATCH) {
            List<String> started = new ArrayList<>();
            for (int i = batch; i < Math.min(CROWD, batch + CROWD_BATCH); i++) {
                String id = "crowd-" + i;
                owners.put(Integer.toString(tunnels + i), id);
                started.add(id);
                crowd.add(clients.startClient(cluster.clientConfig(List.of(victim.control(), nodes.get(0).control(),
                        nodes.get(1).control()), TunnelFixture.tcp("tcp", echo.port(), tunnels + i)), id, events(id)));
            }
            for (String id : started) {
                assertThat(events(id).nextRegistration(TunnelFixture.WAIT)).singleElement()
                        .satisfies(status -> assertThat(status.accepted()).as(status.reason()).isTrue());
            }
        }
        assertThat(cluster.nodeOfAll(owners.values())).hasSize(CROWD).containsOnly(victim.name());

        ClaimWatch watch = new ClaimWatch(cluster, owners);
        long killed = System.nanoTime();
        victim.kill();
        long deadline = killed + Duration.ofSeconds(15).toNanos();
        for (int i = 0; i < CROWD; i++) {
            Wire.Exchange exchange = Wire.awaitEcho(HaproxyProcess.frontend(0).getAddress(), tunnels + i, 16 * 1024,
                    deadline);
            assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
        }
        long movedMillis = Duration.ofNanos(System.nanoTime() - killed).toMillis();
        int samples = watch.stop();
        System.out.printf("[cluster kill -9] %d clients of %s served again through HAProxy %d ms after kill -9;"
                + " %d claim samples%n", CROWD, victim.name(), movedMillis, samples);
        assertThat(watch.violations()).as("a port held twice or by another client").isEmpty();
        assertThat(samples).isPositive();
        assertThat(cluster.nodeOfAll(owners.values())).hasSize(CROWD).doesNotContain(victim.name());

        crowd.forEach(TunnelClient::close);
        victim.restart();
        haproxy.awaitStatus(victim.name(), "UP", UP);
    }

    @Test
    @Order(3)
    void aRollingRestartOfAllNodesUnderFixedRateHttpLoadFailsAtMostAFewRequestsThatHaproxyCouldNotRetry() throws Exception {
        for (String id : spread) {
            assertThat(cluster.nodeOfAll(List.of(id))).as("%s is connected", id).hasSize(1);
        }
        HaproxyProcess.Stat before = haproxy.stat(HaproxyProcess.WEB_BACKEND, "BACKEND");
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        // What the restart was doing when a request failed, printed with the failures.
        AtomicReference<String> phase = new AtomicReference<>("before");
        List<String> phases = new CopyOnWriteArrayList<>();
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        ExecutorService requests = Executors.newCachedThreadPool();
        InetSocketAddress web = HaproxyProcess.frontend(ports.http());
        // 50 requests a second, each on a thread of its own so that a slow answer does not hold the next one back.
        pacer.scheduleAtFixedRate(() -> {
            int n = sent.getAndIncrement();
            requests.execute(() -> {
                String problem = download(web, n % SPREAD, 4096, n);
                if (problem == null) {
                    served.incrementAndGet();
                } else {
                    failures.add("request " + n + " to " + host(n % SPREAD) + ": " + problem);
                    phases.add(phase.get());
                }
            });
        }, 0, 20, TimeUnit.MILLISECONDS);

        Thread.sleep(2000);
        for (ClusterFixture.Node node : nodes) {
            long stopping = System.nanoTime();
            phase.set("stopping " + node.name());
            node.stop(Duration.ofSeconds(30));
            phase.set("starting " + node.name());
            node.restart();
            phase.set("until " + node.name() + " is UP");
            haproxy.awaitStatus(node.name(), "UP", UP);
            phase.set("after " + node.name() + " is UP");
            System.out.printf("[cluster rolling restart] %s stopped, started and UP in HAProxy in %d ms%n",
                    node.name(), Duration.ofNanos(System.nanoTime() - stopping).toMillis());
        }
        Thread.sleep(2000);
        pacer.shutdown();
        assertThat(pacer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        requests.shutdown();
        assertThat(requests.awaitTermination(60, TimeUnit.SECONDS)).as("every request answered or failed").isTrue();

        HaproxyProcess.Stat after = haproxy.stat(HaproxyProcess.WEB_BACKEND, "BACKEND");
        System.out.printf("[cluster rolling restart] requests=%d failed=%d haproxyRetries=%d redispatches=%d%n",
                sent.get(), failures.size(), after.count("wretr") - before.count("wretr"),
                after.count("wredis") - before.count("wredis"));
        System.out.println("[cluster rolling restart] failures by kind: " + failures.stream()
                .collect(Collectors.groupingBy(f -> f.substring(f.indexOf(": ") + 2), TreeMap::new,
                        Collectors.counting())) + ", by phase of the restart: " + phases.stream()
                .collect(Collectors.groupingBy(p -> p, TreeMap::new, Collectors.counting())));
        // The bar is none, which the last runs met (docs/cluster.md, "What was measured"); held to a bound
        // of 0.5 % rather than to none, so that a shared machine's hiccup does not fail the build, while a gap in the
        // hand-over (tens of failures a node, before the drain was reworked) does.
        assertThat(failures).as("requests that failed although HAProxy retries what a leaving node refuses")
                .hasSizeLessThanOrEqualTo(Math.max(5, sent.get() / 200));
        assertThat(served.get() + failures.size()).isEqualTo(sent.get());
    }
}
