package dev.portway.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.client.config.ClientConfig;
import dev.portway.client.config.ServerAddress;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.server.tls.ServerCertificate;
import dev.portway.server.testkit.AdminHttp;
import dev.portway.server.testkit.ClusterDatabase;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.FreePorts;
import dev.portway.server.testkit.JavaProcess;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Scrape;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two server processes (nodes a and b) on one PostgreSQL that neither of them runs (the embedded server, started by
 * the test as the external database), with clients in this JVM that list both nodes: a port held on one node is
 * refused on the other with the reason; node a's admin API lists node b's sessions and ends one; kill -9 of node a
 * moves its clients to node b, where they take their sessions and ports over and carry bytes again, while the claims
 * table never shows a port held by a client other than its own, and node b's meters count the reap.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    /** Clients on node a when it is killed. */
    private static final int CLIENTS = 20;
    private static final Duration START = Duration.ofSeconds(120);

    private static ClusterDatabase database;
    private static Path dir;
    private static JavaProcess nodeA;
    private static JavaProcess nodeB;
    private static int controlA;
    private static int controlB;
    private static AdminHttp adminA;
    /** Node b's admin listener, for its metrics. */
    private static InetSocketAddress metricsB;
    private static String fingerprint;
    private static EchoServer echo;
    private static TunnelFixture clients;
    /** The port node a's first client holds, which a client of node b asks for too. */
    private static int contested;

    @BeforeAll
    static void startCluster() throws Exception {
        dir = Files.createTempDirectory("portway-cluster");
        database = ClusterDatabase.start();
        controlA = FreePorts.next();
        controlB = FreePorts.next();
        int adminPortA = FreePorts.next();
        nodeA = startNode("a", controlA, adminPortA, "");
        fingerprint = nodeA.awaitLine("TLS certificate fingerprint: ", START)
                .substring("TLS certificate fingerprint: sha256:".length());
        Path tls = dir.resolve("a/data").resolve(ServerCertificate.TLS_DIR);
        // One certificate for both nodes: the clients pin one fingerprint, whichever node they reach.
        metricsB = new InetSocketAddress("127.0.0.1", FreePorts.next());
        nodeB = startNode("b", controlB, metricsB.getPort(), "tls: {cert: \"%s\", key: \"%s\"}\n".formatted(
                tls.resolve(ServerCertificate.CERT_FILE), tls.resolve(ServerCertificate.KEY_FILE)));
        nodeB.awaitLine("TLS certificate fingerprint: sha256:" + fingerprint, START);
        adminA = new AdminHttp(new InetSocketAddress("127.0.0.1", adminPortA),
                AdminHttp.initialCredential(dir.resolve("a/data/initial-credentials"), "admin_api_key"));
        echo = new EchoServer();
        clients = new TunnelFixture();
    }

    private static JavaProcess startNode(String name, int controlPort, int adminPort, String tls) throws Exception {
        Path nodeDir = Files.createDirectories(dir.resolve(name));
        Path config = nodeDir.resolve("server.yaml");
        Files.writeString(config, """
                bind: 127.0.0.1
                controlPort: %d
                dataDir: %s
                database: {url: "%s", user: "%s", password: "%s"}
                auth: {tokens: ["%s"]}
                admin: {bind: 127.0.0.1, port: %d}
                http: {port: 0}
                https: {port: 0}
                keepAliveInterval: 1s
                shutdownGrace: 1s
                cluster: {nodeName: %s, advertise: "127.0.0.1:%d", secret: "%s", heartbeat: 500ms, deadAfter: 3s}
                """.formatted(controlPort, nodeDir.resolve("data"), database.jdbcUrl(), database.user(),
                database.password(), TunnelFixture.TOKEN, adminPort, name, FreePorts.next(), ClusterDatabase.SECRET)
                + tls);
        JavaProcess node = JavaProcess.start("dev.portway.server.ServerMain", "-c", config.toString(),
                "--log-format", "text");
        node.awaitLine("Portway server ", START);
        return node;
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (clients != null) {
            clients.close();
        }
        for (JavaProcess node : new JavaProcess[] {nodeA, nodeB}) {
            if (node != null) {
                node.close();
            }
        }
        if (echo != null) {
            echo.close();
        }
        if (database != null) {
            database.close();
        }
    }

    /** A client of {@code first}, failing over to the other node. */
    private static List<TunnelResult.Status> connect(String clientId, int first, int second, RecordingEvents events,
                                                     TunnelConfig... tunnels) throws Exception {
        ClientConfig config = TunnelFixture.clientConfig(first, fingerprint, TunnelFixture.TOKEN, List.of(tunnels),
                Duration.ofSeconds(1)).withServers(List.of(
                ServerAddress.direct(new HostPort("127.0.0.1", first)),
                ServerAddress.direct(new HostPort("127.0.0.1", second))), null);
        clients.startClient(config, clientId, events);
        return events.nextRegistration(TunnelFixture.WAIT);
    }

    @Test
    @Order(1)
    void aPortHeldOnOneNodeIsRefusedOnTheOtherWithTheReason() throws Exception {
        contested = FreePorts.next();
        assertThat(connect("holder", controlA, controlB, new RecordingEvents(),
                TunnelFixture.tcp("ssh", echo.port(), contested))).singleElement()
                .satisfies(status -> assertThat(status.accepted()).isTrue());

        List<TunnelResult.Status> refused = connect("latecomer", controlB, controlA, new RecordingEvents(),
                TunnelFixture.tcp("ssh", echo.port(), contested));
        assertThat(refused).singleElement().satisfies(status -> assertThat(status.reason())
                .isEqualTo("tcp port " + contested + " is held by another connected tunnel on node a"));
        assertThat(Wire.echo(contested, 64 * 1024, 1)).satisfies(e -> assertThat(e.receivedSha256())
                .isEqualTo(e.sentSha256()));
    }

    @Test
    @Order(2)
    void theAdminApiOfOneNodeListsTheClusterAndEndsASessionThatTheOtherNodeHolds() throws Exception {
        assertThat(adminA.expect(200, "GET", "/api/v1/nodes", null)).extracting(node -> node.get("name").asText())
                .containsExactly("a", "b");
        RecordingEvents events = new RecordingEvents();
        int port = FreePorts.next();
        connect("on-b", controlB, controlA, events, TunnelFixture.tcp("web", echo.port(), port));
        JsonNode onB = session(adminA.expect(200, "GET", "/api/v1/sessions", null), "on-b");
        assertThat(onB.get("node").asText()).isEqualTo("b");
        assertThat(onB.get("tunnels")).extracting(JsonNode::asText).containsExactly("web");
        assertThat(session(adminA.expect(200, "GET", "/api/v1/sessions", null), "holder").get("node").asText())
                .isEqualTo("a");

        String id = onB.get("id").asText();
        assertThat(adminA.call("DELETE", "/api/v1/sessions/" + id, null).status()).isEqualTo(202);
        assertThat(events.nextDisconnect(TunnelFixture.WAIT)).contains("disconnected by an operator");
        assertThat(events.nextRegistration(TunnelFixture.WAIT)).singleElement()
                .satisfies(status -> assertThat(status.accepted()).as("it came back on its node").isTrue());
        JsonNode back = session(adminA.expect(200, "GET", "/api/v1/sessions", null), "on-b");
        assertThat(back.get("id").asText()).isNotEqualTo(id);
        assertThat(adminA.call("DELETE", "/api/v1/sessions/" + id, null).status()).isEqualTo(404);
    }

    private static JsonNode session(JsonNode sessions, String clientId) {
        for (JsonNode session : sessions) {
            if (session.get("clientId").asText().equals(clientId)) {
                return session;
            }
        }
        throw new AssertionError("no session of " + clientId + " in " + sessions);
    }

    @Test
    @Order(3)
    void killingANodeMovesItsClientsToTheOtherWithTheirPortsWithin15Seconds() throws Exception {
        Map<String, String> owners = new HashMap<>();
        owners.put(Integer.toString(contested), "holder");
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            int port = FreePorts.next();
            ports.add(port);
            owners.put(Integer.toString(port), "client-" + i);
            assertThat(connect("client-" + i, controlA, controlB, new RecordingEvents(),
                    TunnelFixture.tcp("tcp-" + i, echo.port(), port))).singleElement()
                    .satisfies(status -> assertThat(status.accepted()).isTrue());
        }
        assertThat(nodeOf(owners.values())).as("all on node a").containsOnly("a");

        ClaimWatch watch = new ClaimWatch(owners);
        Thread watcher = new Thread(watch, "claim-watch");
        watcher.start();
        long killed = System.nanoTime();
        nodeA.kill();
        long deadline = killed + Duration.ofSeconds(15).toNanos();
        ports.add(contested);
        for (int port : ports) {
            Wire.Exchange exchange = awaitEcho(port, deadline);
            assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
        }
        long movedMillis = Duration.ofNanos(System.nanoTime() - killed).toMillis();
        System.out.printf("cluster failover: %d clients served again on node b %d ms after kill -9 of node a;"
                + " %d claim samples%n", CLIENTS + 1, movedMillis, watch.samples.get());

        long reapDeadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!nodes().equals(List.of("b"))) {
            assertThat(System.nanoTime()).as("node a is reaped").isLessThan(reapDeadline);
            Thread.sleep(100);
        }
        watch.stop.set(true);
        watcher.join();
        assertThat(watch.violations).as("a port held by a client other than its own").isEmpty();
        assertThat(watch.samples.get()).isPositive();
        assertThat(nodeOf(owners.values())).containsOnly("b");
        // Clients back before node a was reaped took its sessions over; later ones found them gone with it.
        Scrape meters = Scrape.until(metricsB,
                scrape -> Double.valueOf(1).equals(scrape.value("portway_cluster_nodes")));
        assertThat(meters.value("portway_cluster_reaped_nodes_total")).isEqualTo(1);
        assertThat(meters.value("portway_cluster_takeovers_total")).isBetween(0.0, CLIENTS + 1.0);
        System.out.printf("cluster failover: node b took over %.0f of the %d sessions of node a%n",
                meters.value("portway_cluster_takeovers_total"), CLIENTS + 1);
    }

    @Test
    @Order(4)
    void aNodeStoppedBySigtermDrainsAndItsClientsMoveAtOnce() throws Exception {
        // Its data directory keeps the certificate both nodes serve.
        nodeA = startNode("a", controlA, FreePorts.next(), "");
        assertThat(nodes()).containsExactly("a", "b");
        List<String> moving = List.of("holder", "client-0", "client-" + (CLIENTS - 1));
        assertThat(nodeOf(moving)).containsOnly("b");

        long stopping = System.nanoTime();
        nodeB.stop(Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!nodeOfAll(moving).equals(List.of("a", "a", "a"))) {
            assertThat(System.nanoTime()).as("clients moved to node a").isLessThan(deadline);
            Thread.sleep(50);
        }
        assertThat(nodes()).as("node b left, not reaped").containsExactly("a");
        Wire.Exchange exchange = awaitEcho(contested, deadline);
        assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
        System.out.printf("cluster drain: clients of node b on node a %d ms after its SIGTERM%n",
                Duration.ofNanos(System.nanoTime() - stopping).toMillis());
    }

    @Test
    @Order(5)
    void aSecondNodeOfALiveNodesNameIsRefusedAtStartWithTheReason() throws Exception {
        assertThat(nodes()).containsExactly("a");
        Path config = Files.createDirectories(dir.resolve("a-twin")).resolve("server.yaml");
        Files.writeString(config, Files.readString(dir.resolve("a/server.yaml"))
                .replace("controlPort: " + controlA, "controlPort: " + FreePorts.next())
                .replace(dir.resolve("a/data").toString(), dir.resolve("a-twin/data").toString())
                .replaceAll("admin: \\{bind: 127.0.0.1, port: \\d+}", "admin: {bind: 127.0.0.1, port: " + FreePorts.next() + "}"));
        try (JavaProcess twin = JavaProcess.start("dev.portway.server.ServerMain", "-c", config.toString(),
                "--log-format", "text")) {
            assertThat(twin.awaitLine("tunnel-server: cannot start: ", START)).isEqualTo("tunnel-server: cannot"
                    + " start: cannot join the cluster as node a: node name a is in use by a live node (its heartbeat"
                    + " is younger than cluster.deadAfter); every node needs its own cluster.nodeName");
        }
        assertThat(nodes()).containsExactly("a");
    }

    private static Wire.Exchange awaitEcho(int port, long deadline) throws Exception {
        while (true) {
            try {
                Wire.Exchange exchange = Wire.echo(port, 64 * 1024, port);
                if (exchange.received() == exchange.sent()) {
                    return exchange;
                }
            } catch (IOException notYet) {
                // Not served yet.
            }
            assertThat(System.nanoTime()).as("port " + port + " served again").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Samples the claims table: every tcp port is held by its own client or by nobody, never by another. */
    private static final class ClaimWatch implements Runnable {
        private final Map<String, String> owners;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger samples = new AtomicInteger();
        private final List<String> violations = new CopyOnWriteArrayList<>();

        ClaimWatch(Map<String, String> owners) {
            this.owners = owners;
        }

        @Override
        public void run() {
            try (Connection c = database.connect()) {
                while (!stop.get()) {
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT c.name,"
                            + " s.client_id, count(*) OVER (PARTITION BY c.name) AS holders FROM live_claims c"
                            + " JOIN sessions s ON s.id = c.session_id WHERE c.kind = 'tcp'")) {
                        while (rs.next()) {
                            String owner = owners.get(rs.getString(1));
                            if (owner != null && (!owner.equals(rs.getString(2)) || rs.getInt(3) != 1)) {
                                violations.add("port " + rs.getString(1) + " held by " + rs.getString(2)
                                        + " (" + rs.getInt(3) + " holders)");
                            }
                        }
                    }
                    samples.incrementAndGet();
                    Thread.sleep(20);
                }
            } catch (SQLException | InterruptedException e) {
                violations.add("sampling failed: " + e);
            }
        }
    }

    private static List<String> nodes() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM nodes ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /** The nodes holding the sessions of {@code clientIds}, one for each. */
    private static List<String> nodeOf(Collection<String> clientIds) throws SQLException {
        List<String> held = nodeOfAll(clientIds);
        assertThat(held).as("one session per client").hasSize(clientIds.size());
        return held;
    }

    /** The nodes holding the sessions of {@code clientIds}; a client between two nodes has none. */
    private static List<String> nodeOfAll(Collection<String> clientIds) throws SQLException {
        List<String> held = new ArrayList<>();
        try (Connection c = database.connect();
             PreparedStatement s = c.prepareStatement("SELECT node FROM sessions WHERE client_id = ANY (?)")) {
            s.setArray(1, c.createArrayOf("text", clientIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    held.add(rs.getString(1));
                }
            }
        }
        return held;
    }
}
