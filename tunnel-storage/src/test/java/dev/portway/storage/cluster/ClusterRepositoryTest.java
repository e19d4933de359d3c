package dev.portway.storage.cluster;

import dev.portway.storage.Storage;
import dev.portway.storage.StorageSettings;
import dev.portway.storage.change.ChangeEvent;
import dev.portway.storage.change.ChangeKind;
import dev.portway.storage.db.Database;
import dev.portway.storage.sessions.Holdings;
import dev.portway.storage.sessions.SessionOwner;
import dev.portway.storage.sessions.SessionRecord;
import dev.portway.storage.sessions.SessionRepository.Holder;
import dev.portway.storage.sessions.SessionRepository.Taken;
import dev.portway.storage.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.portway.storage.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/** Nodes, the cluster's session registry and live claims on real PostgreSQL, with the production migrations. */
@Timeout(60)
class ClusterRepositoryTest {
    private static final Duration DEAD_AFTER = Duration.ofSeconds(10);
    private static final byte[] SECRET = "digest-of-the-secret".getBytes(StandardCharsets.UTF_8);
    @TempDir
    static Path dataDir;
    private static Database database;
    private static Storage storage;
    private static final List<ChangeEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        database = Database.start(TestDatabases.freshDatabase(), dataDir);
        storage = Storage.open(database, StorageSettings.DEFAULTS);
        database.changes().subscribe(events::add);
        assertThat(result(storage.nodes().join("a", "10.0.0.1:7000", SECRET, DEAD_AFTER))).isEmpty();
        assertThat(result(storage.nodes().join("b", "10.0.0.2:7000", SECRET, DEAD_AFTER))).isEmpty();
    }

    @AfterAll
    static void stop() {
        storage.close();
        database.close();
    }

    @Test
    void aNodeNeedsItsOwnNameAndTheSameSecret() {
        assertThat(result(storage.nodes().join("a", "10.0.0.9:7000", SECRET, DEAD_AFTER)))
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("node name a is in use by a live node"));
        assertThat(result(storage.nodes().join("c", "10.0.0.3:7000", "other".getBytes(StandardCharsets.UTF_8),
                DEAD_AFTER))).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("cluster.secret differs from that of the live node a"));
        assertThat(result(storage.nodes().list())).extracting(NodeRepository.NodeRecord::name)
                .doesNotContain("c");
    }

    @Test
    void oneHolderPerNameInTheClusterAndAReconnectTakesTheSessionAndItsClaimsAlong() {
        UUID first = UUID.randomUUID();
        Holder laptop = new Holder("laptop", 0, "static:1", 0, "a", "192.0.2.1:4000");
        assertThat(result(storage.sessions().take(first, laptop)).refused()).isFalse();
        LiveName port = LiveName.port(LiveName.Kind.TCP, 5000);
        assertThat(result(storage.liveClaims().take(first, "ssh", List.of(port), null))).isEmpty();

        UUID other = UUID.randomUUID();
        result(storage.sessions().take(other, new Holder("desktop", 0, "static:1", 0, "b", "192.0.2.2:4000")));
        LiveName host = LiveName.host("App.Example.com", "/");
        assertThat(result(storage.liveClaims().take(other, "both", List.of(host, port), null)))
                .containsExactly("tcp port 5000 is held by another connected tunnel on node a");
        assertThat(result(storage.liveClaims().list())).extracting(h -> h.name().name())
                .as("all or nothing").doesNotContain("app.example.com/");
        assertThat(result(storage.liveClaims().take(other, "web", List.of(host), null))).isEmpty();
        assertThat(result(storage.liveClaims().take(other, "web", List.of(host), null))).as("again: still its own").isEmpty();
        assertThat(result(storage.liveClaims().take(other, "web", List.of(LiveName.port(LiveName.Kind.UDP, 5000)), null)))
                .as("udp and tcp ports are apart").isEmpty();

        Taken refused = result(storage.sessions().take(UUID.randomUUID(),
                new Holder("laptop", 0, "static:2", 0, "b", "192.0.2.3:4000")));
        assertThat(refused.refusal()).isEqualTo("client id laptop is in use by another user");

        UUID second = UUID.randomUUID();
        Taken moved = result(storage.sessions().take(second, new Holder("laptop", 0, "static:1", 0, "b",
                "192.0.2.1:4001")));
        assertThat(moved.replaced()).map(SessionRecord::id).contains(first);
        assertThat(events).contains(new ChangeEvent(ChangeKind.SESSION_REPLACED, first + " b a"));
        assertThat(result(storage.liveClaims().take(second, "ssh", List.of(port), null))).as("its own, carried along")
                .isEmpty();
        assertThat(result(storage.sessions().find(second))).hasValueSatisfying(s -> {
            assertThat(s.node()).isEqualTo("b");
            assertThat(s.tunnels()).containsExactly("ssh");
        });
        assertThat(result(storage.sessions().close(first))).as("the old id is gone").isFalse();
        assertThat(result(storage.liveClaims().release(first, "ssh"))).isZero();
        assertThat(result(storage.liveClaims().release(second, "ssh"))).isOne();
        result(storage.sessions().close(second));
        result(storage.sessions().close(other));
    }

    @Test
    void aUserHoldsOnOtherNodesItsClientsThereAndTheirClaimedTunnelsButNotTheClientThatConnectsAgain() {
        long userId = result(storage.users().create("holder")).id();
        UUID onA = UUID.randomUUID();
        result(storage.sessions().take(onA, new Holder("h-laptop", userId, "holder", 0, "a", null)));
        result(storage.liveClaims().take(onA, "web", List.of(LiveName.host("h.example.com", "/"),
                LiveName.host("h.example.com", "/api")), null));
        result(storage.liveClaims().take(onA, "ssh", List.of(LiveName.port(LiveName.Kind.TCP, 5100)), null));
        UUID onB = UUID.randomUUID();
        result(storage.sessions().take(onB, new Holder("h-desktop", userId, "holder", 0, "b", null)));
        result(storage.liveClaims().take(onB, "db", List.of(LiveName.port(LiveName.Kind.TCP, 5101)), null));
        result(storage.sessions().take(UUID.randomUUID(), new Holder("s-phone", 0, "static:9", 0, "a", null)));

        assertThat(result(storage.sessions().heldElsewhere(userId, "holder", "b", "h-new")))
                .as("seen from node b: node a's client and its two tunnels").isEqualTo(new Holdings(1, 2));
        assertThat(result(storage.sessions().heldElsewhere(userId, "holder", "c", "h-new")))
                .isEqualTo(new Holdings(2, 3));
        assertThat(result(storage.sessions().heldElsewhere(userId, "holder", "c", "h-laptop")))
                .as("the laptop connecting again takes its session over").isEqualTo(new Holdings(1, 1));
        assertThat(result(storage.sessions().heldElsewhere(0, "static:9", "b", "s-new")))
                .as("a static token's user, by name").isEqualTo(new Holdings(1, 0));
        assertThat(result(storage.sessions().heldElsewhere(0, "static:10", "b", "s-new"))).isEqualTo(Holdings.NONE);
    }

    @Test
    void endingTheSessionsOfATokenOrAUserAsksEveryNodeAndNamesThoseOfTheOthers() {
        long userId = result(storage.users().create("revoked")).id();
        long tokenId = result(storage.clientTokens().issue(userId)).row().id();
        long otherToken = result(storage.clientTokens().issue(userId)).row().id();
        UUID onA = UUID.randomUUID();
        result(storage.sessions().take(onA, new Holder("r-laptop", userId, "revoked", tokenId, "a", null)));
        UUID onB = UUID.randomUUID();
        result(storage.sessions().take(onB, new Holder("r-desktop", userId, "revoked", tokenId, "b", null)));
        UUID otherOnB = UUID.randomUUID();
        result(storage.sessions().take(otherOnB, new Holder("r-phone", userId, "revoked", otherToken, "b", null)));

        assertThat(result(storage.sessions().requestEndOf(SessionOwner.token(tokenId), "a"))).containsExactly(onB);
        assertThat(events).contains(new ChangeEvent(ChangeKind.SESSIONS_OF_TOKEN, Long.toString(tokenId)));
        assertThat(result(storage.sessions().requestEndOf(SessionOwner.user(userId), "a")))
                .containsExactly(onB, otherOnB);
        assertThat(events).contains(new ChangeEvent(ChangeKind.SESSIONS_OF_USER, Long.toString(userId)));
        assertThat(SessionOwner.of(SessionOwner.token(tokenId).event())).contains(SessionOwner.token(tokenId));
        assertThat(SessionOwner.of(new ChangeEvent(ChangeKind.SESSIONS_OF_USER, "not-an-id"))).isEmpty();
        assertThat(SessionOwner.of(new ChangeEvent(ChangeKind.USER, "7"))).isEmpty();
    }

    @Test
    void aSilentNodeIsReapedOnceWithItsSessionsAndClaims() throws Exception {
        assertThat(result(storage.nodes().join("silent", "10.0.0.4:7000", SECRET, DEAD_AFTER))).isEmpty();
        UUID session = UUID.randomUUID();
        result(storage.sessions().take(session, new Holder("phone", 0, "static:1", 0, "silent", null)));
        result(storage.liveClaims().take(session, "game", List.of(LiveName.port(LiveName.Kind.UDP, 6000)), null));
        try (Connection c = database.dataSource().getConnection();
             Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE nodes SET last_heartbeat = now() - interval '11 seconds' WHERE name = 'silent'");
        }
        assertThat(result(storage.nodes().heartbeat("a"))).isTrue();
        int live = result(storage.nodes().countLive(DEAD_AFTER));
        assertThat(result(storage.nodes().list())).as("the silent one is not counted").hasSize(live + 1);

        assertThat(result(storage.nodes().reapDead("a", DEAD_AFTER)))
                .containsExactly(new NodeRepository.ReapedNode("silent", 1, 1));
        assertThat(result(storage.nodes().reapDead("b", DEAD_AFTER))).isEmpty();
        assertThat(result(storage.sessions().find(session))).isEmpty();
        assertThat(result(storage.liveClaims().list())).extracting(h -> h.name().name()).doesNotContain("6000");
        assertThat(result(storage.nodes().heartbeat("silent"))).as("it learns it was reaped").isFalse();
    }
}
