package dev.portway.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.testkit.AdminHttp;
import dev.portway.server.testkit.ClusterDatabase;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.FreePorts;
import dev.portway.server.testkit.Programs;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Scrape;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.Wire;
import dev.portway.storage.Storage;
import dev.portway.storage.plans.AtLimit;
import dev.portway.storage.plans.Plan;
import dev.portway.storage.plans.PlanDraft;
import dev.portway.storage.plans.PlanLimits;
import dev.portway.storage.users.PlanChange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes in this JVM on one external PostgreSQL: a plan's client and tunnel counts hold across them, a token
 * revoked or a user suspended on one node's admin API ends the sessions on the other, and each node's meters count
 * the live nodes, the nodes it reaped and the sessions taken over on it.
 */
@Timeout(180)
class ClusterPlansIT {
    private static final Duration HEARTBEAT = Duration.ofMillis(500);
    private static final Duration DEAD_AFTER = Duration.ofSeconds(3);
    private static ClusterDatabase database;
    private static TunnelFixture nodeA;
    private static TunnelFixture nodeB;
    private static Storage storage;
    private static AdminHttp adminA;
    private static EchoServer echo;

    @BeforeAll
    static void startCluster() throws Exception {
        database = ClusterDatabase.start();
        nodeA = new TunnelFixture();
        nodeB = new TunnelFixture();
        echo = new EchoServer();
        TunnelServer a = nodeA.startServer(node(nodeA, "a"));
        nodeB.startServer(node(nodeB, "b"));
        storage = a.storage().orElseThrow().storage();
        adminA = new AdminHttp(a.adminAddress(), AdminHttp.initialCredential(
                a.initialCredentials().orElseThrow().file(), "admin_api_key"));
    }

    private static ServerConfig node(TunnelFixture fixture, String name) {
        return database.node(fixture.serverConfig(0, Duration.ofSeconds(1), 3), name, HEARTBEAT, DEAD_AFTER);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (AutoCloseable closing : new AutoCloseable[] {nodeB, nodeA, echo, database}) {
            if (closing != null) {
                closing.close();
            }
        }
    }

    /** A stored user with its own token, under a plan allowing {@code clients} clients and {@code tunnels} tunnels. */
    private record User(long id, long tokenId, String token) {
    }

    private static User user(String name, Integer clients, Integer tunnels) throws Exception {
        long id = storage.users().create(name).get(20, TimeUnit.SECONDS).id();
        if (clients != null || tunnels != null) {
            Plan plan = storage.plans().create(new PlanDraft(name + "-plan", false, new PlanLimits(null,
                    AtLimit.SUSPEND, null, PlanLimits.DEFAULT_WARNING_SHARE, null, null, null, null, tunnels, clients,
                    null, null, null, true))).get(20, TimeUnit.SECONDS);
            storage.users().changePlan(id, PlanChange.plan(plan.id())).get(20, TimeUnit.SECONDS);
        }
        var issued = storage.clientTokens().issue(id).get(20, TimeUnit.SECONDS);
        return new User(id, issued.row().id(), issued.token());
    }

    /** Starts a client of {@code node} logged in as {@code user}; its events tell how it went. */
    private static RecordingEvents start(TunnelFixture node, String clientId, User user, TunnelConfig... tunnels)
            throws Exception {
        RecordingEvents events = new RecordingEvents();
        node.startClient(node.clientConfig(node.controlAddress().getPort(), user.token(), List.of(tunnels),
                Duration.ofSeconds(1)), clientId, events);
        return events;
    }

    @Test
    void aPlansClientAndTunnelCountsHoldAcrossNodes() throws Exception {
        User dana = user("dana", 2, 1);
        int port = FreePorts.next();
        assertThat(start(nodeA, "dana-1", dana, TunnelFixture.tcp("ssh", echo.port(), port))
                .nextRegistration(TunnelFixture.WAIT)).singleElement()
                .satisfies(status -> assertThat(status.accepted()).isTrue());

        List<TunnelResult.Status> second = start(nodeB, "dana-2", dana,
                TunnelFixture.tcp("db", echo.port(), FreePorts.next())).nextRegistration(TunnelFixture.WAIT);
        assertThat(second).singleElement().satisfies(status -> assertThat(status.reason())
                .isEqualTo("user holds 1 tunnels, as many as plan \"dana-plan\" allows"));

        assertThat(start(nodeB, "dana-3", dana).nextRefusal(TunnelFixture.WAIT))
                .isEqualTo("user dana has 2 clients connected, as many as plan \"dana-plan\" allows");
        assertThat(nodeB.server().sessions().all()).extracting(session -> session.clientId())
                .doesNotContain("dana-3");
        Wire.Exchange exchange = Wire.echo(port, 64 * 1024, 3);
        assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
    }

    @Test
    void aTokenRevokedOrAUserSuspendedOnOneNodeEndsItsSessionsOnTheOther() throws Exception {
        User erin = user("erin", null, null);
        RecordingEvents onB = start(nodeB, "erin-laptop", erin);
        onB.nextRegistration(TunnelFixture.WAIT);
        String sessionId = sessionOf(nodeB, "erin-laptop");

        JsonNode revoked = adminA.expect(200, "DELETE", "/api/v1/tokens/" + erin.tokenId(), null);
        assertThat(revoked.get("disconnectedSessions")).extracting(JsonNode::asText).containsExactly(sessionId);
        assertThat(onB.nextDisconnect(TunnelFixture.WAIT)).contains("disconnected by an operator");
        assertThat(onB.nextRefusal(TunnelFixture.WAIT)).as("it cannot log in again").isEqualTo("invalid token");

        User fay = user("fay", null, null);
        RecordingEvents fayOnB = start(nodeB, "fay-laptop", fay);
        fayOnB.nextRegistration(TunnelFixture.WAIT);
        adminA.expect(200, "PATCH", "/api/v1/users/" + fay.id(), "{\"status\": \"suspended\"}");
        assertThat(fayOnB.nextDisconnect(TunnelFixture.WAIT)).contains("disconnected by an operator");
        assertThat(fayOnB.nextRefusal(TunnelFixture.WAIT)).isEqualTo("invalid token");
        assertThat(database.count("SELECT count(*) FROM sessions WHERE client_id IN ('erin-laptop', 'fay-laptop')"))
                .isZero();
    }

    private static String sessionOf(TunnelFixture node, String clientId) {
        return node.server().sessions().all().stream().filter(session -> clientId.equals(session.clientId()))
                .findFirst().orElseThrow().sessionId();
    }

    @Test
    void eachNodeCountsTheLiveNodesTheNodesItReapedAndTheSessionsTakenOverFromAnother() throws Exception {
        InetSocketAddress metricsA = nodeA.server().adminAddress();
        InetSocketAddress metricsB = nodeB.server().adminAddress();
        Scrape.until(metricsA, scrape -> Double.valueOf(2).equals(scrape.value("portway_cluster_nodes")));
        double takenOverOnA = Scrape.of(metricsA).value("portway_cluster_takeovers_total");
        double reaped = reaped(metricsA, metricsB);

        // A node that stops beating with a session of gus's laptop on it; the laptop reconnects to node a.
        User gus = user("gus", null, null);
        database.execute("INSERT INTO nodes (name, advertise, secret_digest) VALUES ('c', '127.0.0.1:7003', '\\x00')");
        database.execute("INSERT INTO sessions (id, client_id, user_id, user_name, token_id, node) VALUES"
                + " (gen_random_uuid(), 'gus-laptop', " + gus.id() + ", 'gus', " + gus.tokenId() + ", 'c')");
        Scrape.until(metricsA, scrape -> Double.valueOf(3).equals(scrape.value("portway_cluster_nodes")));
        start(nodeA, "gus-laptop", gus).nextRegistration(TunnelFixture.WAIT);
        assertThat(database.count("SELECT count(*) FROM sessions WHERE client_id = 'gus-laptop' AND node = 'a'"))
                .isOne();
        Scrape.until(metricsA, scrape -> Double.valueOf(takenOverOnA + 1).equals(scrape.value("portway_cluster_takeovers_total")));

        database.execute("UPDATE nodes SET last_heartbeat = now() - interval '1 hour' WHERE name = 'c'");
        Scrape afterA = Scrape.until(metricsA,
                scrape -> Double.valueOf(2).equals(scrape.value("portway_cluster_nodes")));
        Scrape afterB = Scrape.until(metricsB,
                scrape -> Double.valueOf(2).equals(scrape.value("portway_cluster_nodes")));
        assertThat(reaped(metricsA, metricsB)).as("one of the two reaped it, once").isEqualTo(reaped + 1);
        assertThat(afterA.value("portway_cluster_takeovers_total")).as("counted once").isEqualTo(takenOverOnA + 1);
        assertThat(afterB.value("portway_cluster_takeovers_total")).isZero();
        if (Programs.onPath("promtool")) {
            Scrape.assertPromtoolClean(afterA.text());
        }
    }

    private static double reaped(InetSocketAddress... nodes) throws Exception {
        double sum = 0;
        for (InetSocketAddress node : nodes) {
            sum += Scrape.of(node).value("portway_cluster_reaped_nodes_total");
        }
        return sum;
    }
}
