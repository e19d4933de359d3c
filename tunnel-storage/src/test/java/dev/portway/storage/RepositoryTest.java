package dev.portway.storage;

import dev.portway.protocol.control.TunnelType;
import dev.portway.storage.apikeys.ApiKeyPrincipal;
import dev.portway.storage.apikeys.ApiKeyRole;
import dev.portway.storage.apikeys.IssuedApiKey;
import dev.portway.storage.paging.ListQuery;
import dev.portway.storage.audit.AuditEntry;
import dev.portway.storage.db.Database;
import dev.portway.storage.testing.TestDatabases;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static dev.portway.storage.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Round trips through every repository and the conflicts the schema enforces, on real PostgreSQL. */
@Timeout(60)
class RepositoryTest {
    @TempDir
    static Path dataDir;
    private static Database database;
    private static Storage storage;

    @BeforeAll
    static void start() {
        database = Database.start(TestDatabases.freshDatabase(), dataDir);
        storage = Storage.open(database, StorageSettings.DEFAULTS);
    }

    @AfterAll
    static void stop() {
        storage.close();
        database.close();
    }

    @Test
    void usersRoundTripAndDuplicateNamesConflictOnName() {
        User alice = result(storage.users().create("alice"));
        assertThat(alice.status()).isEqualTo(UserStatus.ACTIVE);
        assertThat(result(storage.users().findByName("alice"))).contains(alice);
        assertThat(result(storage.users().findById(alice.id()))).contains(alice);

        assertThat(result(storage.users().setStatus(alice.id(), UserStatus.SUSPENDED)).status())
                .isEqualTo(UserStatus.SUSPENDED);
        assertConflict(storage.users().create("alice"), "name");
        assertThatThrownBy(() -> result(storage.users().setStatus(-1, UserStatus.ACTIVE)))
                .hasCauseInstanceOf(NotFoundException.class);
    }

    @Test
    void tunnelsRoundTripAndEveryUniquenessRuleNamesItsField() {
        User owner = result(storage.users().create("tunnel-owner"));
        User other = result(storage.users().create("tunnel-other"));
        TunnelDraft web = new TunnelDraft(owner.id(), "web", TunnelType.TCP, 20080, "App",
                List.of("App.Example.com", "www.example.com"), List.of("/", "/api"), "127.0.0.1:8080",
                "{\"proxyProtocol\": \"v2\"}", true);
        Tunnel created = result(storage.tunnels().create(web));
        assertThat(created.subdomain()).isEqualTo("app");
        assertThat(created.customDomains()).containsExactly("app.example.com", "www.example.com");
        assertThat(created.locations()).containsExactly("/", "/api");
        assertThat(created.optionsJson()).contains("proxyProtocol");
        assertThat(result(storage.tunnels().findByRemotePort(20080))).contains(created);
        assertThat(result(storage.tunnels().findBySubdomain("APP"))).contains(created);
        assertThat(result(storage.tunnels().findByCustomDomain("www.example.com"))).contains(created);

        assertConflict(storage.tunnels().create(TunnelDraft.tcp(owner.id(), "web", 20081, "x:1")), "name");
        assertConflict(storage.tunnels().create(TunnelDraft.tcp(other.id(), "other", 20080, "x:1")), "remotePort");
        assertConflict(storage.tunnels().create(new TunnelDraft(other.id(), "sub", TunnelType.TCP, null, "app",
                null, null, null, null, true)), "subdomain");
        assertConflict(storage.tunnels().create(new TunnelDraft(other.id(), "dom", TunnelType.TCP, null, null,
                List.of("WWW.example.com"), null, null, null, true)), "customDomains");
        // The same name under another owner is fine.
        assertThat(result(storage.tunnels().create(TunnelDraft.tcp(other.id(), "web", 20082, "x:1"))).name())
                .isEqualTo("web");

        Tunnel moved = result(storage.tunnels().update(created.id(), new TunnelDraft(owner.id(), "web",
                TunnelType.TCP, 20090, null, List.of("new.example.com"), null, "127.0.0.1:9090", null, false)));
        assertThat(moved.remotePort()).isEqualTo(20090);
        assertThat(moved.customDomains()).containsExactly("new.example.com");
        assertThat(moved.enabled()).isFalse();
        assertThat(moved.updated()).isAfterOrEqualTo(created.updated());
        assertThat(result(storage.tunnels().findByRemotePort(20080))).isEmpty();
        assertThat(result(storage.tunnels().findByCustomDomain("www.example.com"))).isEmpty();
        assertThat(result(storage.tunnels().listByOwner(owner.id()))).containsExactly(moved);

        assertThat(result(storage.tunnels().delete(created.id()))).isTrue();
        assertThat(result(storage.tunnels().findById(created.id()))).isEmpty();
        assertThat(result(storage.tunnels().delete(created.id()))).isFalse();
        assertThatThrownBy(() -> result(storage.tunnels().create(TunnelDraft.tcp(-5, "orphan", 20099, "x:1"))))
                .hasCauseInstanceOf(NotFoundException.class);
    }

    @Test
    void apiKeysAuthenticateByHashUntilRevoked() {
        User operator = result(storage.users().create("operator"));
        IssuedApiKey issued = result(storage.apiKeys().issue(operator.id(), ApiKeyRole.USER));
        assertThat(issued.key()).startsWith("pwk_");
        assertThat(issued.row().prefix()).isEqualTo(issued.key().substring(0, 8));
        assertThat(issued.toString()).doesNotContain(issued.key());

        assertThat(result(storage.apiKeys().authenticate(issued.key()))).get()
                .extracting(ApiKeyPrincipal::userId, ApiKeyPrincipal::role)
                .containsExactly(operator.id(), ApiKeyRole.USER);
        assertThat(result(storage.apiKeys().authenticate(issued.key() + "x"))).isEmpty();
        result(storage.apiKeys().revoke(issued.row().id()));
        assertThat(result(storage.apiKeys().authenticate(issued.key()))).isEmpty();
        assertThat(result(storage.apiKeys().listByOwner(operator.id()))).singleElement()
                .satisfies(key -> assertThat(key.revoked()).isNotNull());
    }

    @Test
    void auditLogRoundTrip() {
        long id = result(storage.audit().record("admin", "tunnel.create", "tunnel/7", "{\"port\": 20080}",
                "198.51.100.1"));
        assertThat(result(storage.audit().page(new ListQuery(null, "id", true, 10, 0))).items()).first().satisfies(entry -> {
            assertThat(entry.id()).isEqualTo(id);
            assertThat(entry).extracting(AuditEntry::actor, AuditEntry::action, AuditEntry::target)
                    .containsExactly("admin", "tunnel.create", "tunnel/7");
            assertThat(entry.detailJson()).contains("20080");
        });
    }

    private static void assertConflict(CompletableFuture<?> future, String field) {
        assertThatThrownBy(() -> result(future))
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.field()).isEqualTo(field));
    }
}
