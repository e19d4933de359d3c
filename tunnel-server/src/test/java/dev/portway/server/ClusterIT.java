package dev.portway.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.server.testkit.AdminHttp;
import dev.portway.server.testkit.ClaimWatch;
import dev.portway.server.testkit.ClusterFixture;
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

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two server processes (nodes a and b, {@link ClusterFixture}) on one PostgreSQL that neither of them runs, with
 * clients in this JVM that list both nodes: a port held on one node is refused on the other with the reason; node a's
 * admin API lists node b's sessions and ends one; kill -9 of node a moves its clients to node b, where they take their
 * sessions and ports over and carry bytes again, while the claims table never shows a port held by a client other
 * than its own, and node b's meters count the reap.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    /** Clients on node a when it is killed. */
    private static final int CLIENTS = 20;

    private static ClusterFixture cluster;
    private static ClusterFixture.Node nodeA;
    private static ClusterFixture.Node nodeB;
    private static AdminHttp adminA;
    private static EchoServer echo;
    private static TunnelFixture clients;
    /** The port node a's first client holds, which a client of node b asks for too. */
    private static int contested;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new ClusterFixture();
        nodeA = cluster.start("a", "127.0.0.21", ClusterFixture.Ports.free(false));
        nodeB = cluster.start("b", "127.0.0.22", ClusterFixture.Ports.free(false));
        adminA = nodeA.admin();
        echo = new EchoServer();
        clients = new TunnelFixture();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (clients != null) {
            clients.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    /** A client of {@code first}, failing over to the other node. */
    private static List<TunnelResult.Status> connect(String clientId, ClusterFixture.Node first,
                                                     ClusterFixture.Node second, RecordingEvents events,
                                                     TunnelConfig... tunnels) throws Exception {
        clients.startClient(cluster.clientConfig(List.of(first.control(), second.control()), tunnels), clientId,
                events);
        return events.nextRegistration(TunnelFixture.WAIT);
    }

    @Test
    @Order(1)
    void aPortHeldOnOneNodeIsRefusedOnTheOtherWithTheReason() throws Exception {
        contested = FreePorts.next();
        assertThat(connect("holder", nodeA, nodeB, new RecordingEvents(),
                TunnelFixture.tcp("ssh", echo.port(), contested))).singleElement()
                .satisfies(status -> assertThat(status.accepted()).isTrue());

        List<TunnelResult.Status> refused = connect("latecomer", nodeB, nodeA, new RecordingEvents(),
                TunnelFixture.tcp("ssh", echo.port(), contested));
        assertThat(refused).singleElement().satisfies(status -> assertThat(status.reason())
                .isEqualTo("tcp port " + contested + " is held by another connected tunnel on node a"));
        assertThat(Wire.echo(nodeA.at(contested).getAddress(), contested, 64 * 1024, 1))
                .satisfies(e -> assertThat(e.receivedSha256()).isEqualTo(e.sentSha256()));
    }

    @Test
    @Order(2)
    void theAdminApiOfOneNodeListsTheClusterAndEndsASessionThatTheOtherNodeHolds() throws Exception {
        assertThat(adminA.expect(200, "GET", "/api/v1/nodes", null)).extracting(node -> node.get("name").asText())
                .containsExactly("a", "b");
        RecordingEvents events = new RecordingEvents();
        int port = FreePorts.next();
        connect("on-b", nodeB, nodeA, events, TunnelFixture.tcp("web", echo.port(), port));
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
            assertThat(connect("client-" + i, nodeA, nodeB, new RecordingEvents(),
                    TunnelFixture.tcp("tcp-" + i, echo.port(), port))).singleElement()
                    .satisfies(status -> assertThat(status.accepted()).isTrue());
        }
        assertThat(nodeOf(owners.values())).as("all on node a").containsOnly("a");

        ClaimWatch watch = new ClaimWatch(cluster, owners);
        long killed = System.nanoTime();
        nodeA.kill();
        long deadline = killed + Duration.ofSeconds(15).toNanos();
        ports.add(contested);
        for (int port : ports) {
            Wire.Exchange exchange = Wire.awaitEcho(nodeB.at(port).getAddress(), port, 64 * 1024, deadline);
            assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
        }
        long movedMillis = Duration.ofNanos(System.nanoTime() - killed).toMillis();

        long reapDeadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!cluster.nodes().equals(List.of("b"))) {
            assertThat(System.nanoTime()).as("node a is reaped").isLessThan(reapDeadline);
            Thread.sleep(100);
        }
        int samples = watch.stop();
        System.out.printf("cluster failover: %d clients served again on node b %d ms after kill -9 of node a;"
                + " %d claim samples%n", CLIENTS + 1, movedMillis, samples);
        assertThat(watch.violations()).as("a port held by a client other than its own").isEmpty();
        assertThat(samples).isPositive();
        assertThat(nodeOf(owners.values())).containsOnly("b");
        // Clients back before node a was reaped took its sessions over; later ones found them gone with it.
        Scrape meters = Scrape.until(nodeB.at(nodeB.ports().admin()),
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
        nodeA.restart();
        assertThat(cluster.nodes()).containsExactly("a", "b");
        List<String> moving = List.of("holder", "client-0", "client-" + (CLIENTS - 1));
        assertThat(nodeOf(moving)).containsOnly("b");

        long stopping = System.nanoTime();
        nodeB.stop(Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!cluster.nodeOfAll(moving).equals(List.of("a", "a", "a"))) {
            assertThat(System.nanoTime()).as("clients moved to node a").isLessThan(deadline);
            Thread.sleep(50);
        }
        assertThat(cluster.nodes()).as("node b left, not reaped").containsExactly("a");
        Wire.Exchange exchange = Wire.awaitEcho(nodeA.at(contested).getAddress(), contested, 64 * 1024, deadline);
        assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
        System.out.printf("cluster drain: clients of node b on node a %d ms after its SIGTERM%n",
                Duration.ofNanos(System.nanoTime() - stopping).toMillis());
    }

    @Test
    @Order(5)
    void aSecondNodeOfALiveNodesNameIsRefusedAtStartWithTheReason() throws Exception {
        assertThat(cluster.nodes()).containsExactly("a");
        JavaProcess twin = cluster.launch("a", "127.0.0.23", ClusterFixture.Ports.free(false)).process();
        assertThat(twin.awaitLine("tunnel-server: cannot start: ", ClusterFixture.START)).isEqualTo("tunnel-server:"
                + " cannot start: cannot join the cluster as node a: node name a is in use by a live node (its"
                + " heartbeat is younger than cluster.deadAfter); every node needs its own cluster.nodeName");
        assertThat(cluster.nodes()).containsExactly("a");
    }

    /** The nodes holding the sessions of {@code clientIds}, one for each. */
    private static List<String> nodeOf(Collection<String> clientIds) throws SQLException {
        List<String> held = cluster.nodeOfAll(clientIds);
        assertThat(held).as("one session per client").hasSize(clientIds.size());
        return held;
    }
}
