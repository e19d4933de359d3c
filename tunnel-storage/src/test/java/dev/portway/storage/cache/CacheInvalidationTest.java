package dev.portway.storage.cache;

import dev.portway.storage.Storage;
import dev.portway.storage.StorageSettings;
import dev.portway.storage.change.ChangeEvent;
import dev.portway.storage.db.Database;
import dev.portway.storage.db.DatabaseConfig;
import dev.portway.storage.testing.TestDatabases;
import dev.portway.storage.tokens.IssuedToken;
import dev.portway.storage.tokens.Principal;
import dev.portway.storage.tokens.SecretTokens;
import dev.portway.storage.tunnels.Tunnel;
import dev.portway.storage.tunnels.TunnelDraft;
import dev.portway.storage.users.User;
import dev.portway.storage.users.UserStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.portway.storage.testing.Await.result;
import static dev.portway.storage.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two server nodes (two pools, two Storage instances) on one PostgreSQL. Refresh is set to an hour, so anything
 * that changes a cached answer within the test was an explicit invalidation: local, or NOTIFY from the other node.
 */
@Timeout(60)
class CacheInvalidationTest {
    private static final StorageSettings NO_REFRESH =
            new StorageSettings(new CacheSettings(Duration.ofHours(1), 1_000), Duration.ofHours(1));

    @TempDir
    static Path dataDir;
    private static Database databaseA;
    private static Database databaseB;
    private static Storage nodeA;
    private static Storage nodeB;

    @BeforeAll
    static void start() {
        DatabaseConfig config = TestDatabases.freshDatabase();
        databaseA = Database.start(config, dataDir);
        databaseB = Database.start(config, dataDir);
        nodeA = Storage.open(databaseA, NO_REFRESH);
        nodeB = Storage.open(databaseB, NO_REFRESH);
        result(nodeA.changeListener().listening());
        result(nodeB.changeListener().listening());
    }

    @AfterAll
    static void stop() {
        nodeA.close();
        nodeB.close();
        databaseA.close();
        databaseB.close();
    }

    @Test
    void revokingOnThisNodeInvalidatesThisNodesCacheAtOnce() {
        User user = result(nodeA.users().create("local-revoke"));
        IssuedToken token = result(nodeA.clientTokens().issue(user.id()));
        assertThat(result(nodeA.tokenCache().authenticate(token.token()))).isPresent();

        result(nodeA.clientTokens().revoke(token.row().id()));

        assertThat(result(nodeA.tokenCache().authenticate(token.token()))).isEmpty();
    }

    @Test
    void suspendingAUserUpdatesItsCachedPrincipals() {
        User user = result(nodeA.users().create("local-suspend"));
        IssuedToken token = result(nodeA.clientTokens().issue(user.id()));
        assertThat(result(nodeA.tokenCache().authenticate(token.token()))).get().extracting(Principal::active)
                .isEqualTo(true);

        result(nodeA.users().setStatus(user.id(), UserStatus.SUSPENDED));

        assertThat(result(nodeA.tokenCache().authenticate(token.token()))).get().extracting(Principal::status)
                .isEqualTo(UserStatus.SUSPENDED);
    }

    @Test
    void aRevocationOnOneNodeReachesTheOtherNodesCacheByNotify() throws InterruptedException {
        User user = result(nodeA.users().create("remote-revoke"));
        IssuedToken token = result(nodeA.clientTokens().issue(user.id()));
        assertThat(result(nodeA.tokenCache().authenticate(token.token()))).isPresent();
        assertThat(nodeA.tokenCache().estimatedSize()).isPositive();

        result(nodeB.clientTokens().revoke(token.row().id()));

        until(() -> result(nodeA.tokenCache().authenticate(token.token())).isEmpty(), Duration.ofSeconds(10));
    }

    @Test
    void theListenerReconnectsAfterItsConnectionIsKilledAndDropsWhatItMayHaveMissed() throws Exception {
        User user = result(nodeA.users().create("reconnect"));
        IssuedToken token = result(nodeA.clientTokens().issue(user.id()));
        assertThat(result(nodeA.tokenCache().authenticate(token.token()))).isPresent();
        List<ChangeEvent> heardByA = new CopyOnWriteArrayList<>();
        databaseA.changes().subscribe(heardByA::add);

        try (Connection c = databaseB.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE application_name = 'portway-listener' AND datname = current_database()");
        }

        until(() -> heardByA.contains(ChangeEvent.EVERYTHING), Duration.ofSeconds(15));
        assertThat(nodeA.tokenCache().estimatedSize()).isZero();
        assertThat(result(nodeA.tokenCache().authenticate(token.token()))).isPresent();
        result(nodeB.clientTokens().revoke(token.row().id()));
        until(() -> heardByA.contains(ChangeEvent.token(SecretTokens.hashHex(token.token()))),
                Duration.ofSeconds(10));
        assertThat(result(nodeA.tokenCache().authenticate(token.token()))).isEmpty();
    }

    @Test
    void aTunnelChangeOnOneNodeReachesTheOtherNodesRoutingCaches() throws InterruptedException {
        List<ChangeEvent> heardByA = new CopyOnWriteArrayList<>();
        databaseA.changes().subscribe(heardByA::add);
        User user = result(nodeB.users().create("remote-tunnel"));
        Tunnel tunnel = result(nodeB.tunnels().create(new TunnelDraft(user.id(), "web",
                dev.portway.protocol.control.TunnelType.TCP, 21000, "shop", List.of("shop.example.org"), null,
                "127.0.0.1:80", null, true)));
        // Node A hears of the creation too; wait for that so it cannot be mistaken for the update below.
        until(() -> heardByA.contains(ChangeEvent.tunnel(tunnel.id())), Duration.ofSeconds(10));
        heardByA.clear();
        assertThat(result(nodeA.tunnelCache().byRemotePort(21000))).contains(tunnel);
        assertThat(result(nodeA.tunnelCache().bySubdomain("shop"))).contains(tunnel);
        assertThat(result(nodeA.tunnelCache().byCustomDomain("SHOP.example.org"))).contains(tunnel);

        result(nodeB.tunnels().update(tunnel.id(), TunnelDraft.tcp(user.id(), "web", 21001, "127.0.0.1:81")));

        // A miss reloads from the database, so only the entries still cached wait for the NOTIFY.
        until(() -> result(nodeA.tunnelCache().byRemotePort(21000)).isEmpty()
                && result(nodeA.tunnelCache().bySubdomain("shop")).isEmpty()
                && result(nodeA.tunnelCache().byCustomDomain("shop.example.org")).isEmpty(), Duration.ofSeconds(10));
        assertThat(heardByA).contains(ChangeEvent.tunnel(tunnel.id()));
        assertThat(result(nodeA.tunnelCache().byRemotePort(21001))).map(Tunnel::localTarget)
                .isEqualTo(Optional.of("127.0.0.1:81"));

        result(nodeB.tunnels().delete(tunnel.id()));
        until(() -> result(nodeA.tunnelCache().byRemotePort(21001)).isEmpty(), Duration.ofSeconds(10));
    }
}
