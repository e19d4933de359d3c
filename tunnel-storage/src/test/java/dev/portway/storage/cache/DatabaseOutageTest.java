package dev.portway.storage.cache;

import dev.portway.storage.Storage;
import dev.portway.storage.StorageSettings;
import dev.portway.storage.StorageUnavailableException;
import dev.portway.storage.db.Database;
import dev.portway.storage.db.DatabaseConfig;
import dev.portway.storage.db.EmbeddedPostgresServer;
import dev.portway.storage.tokens.IssuedToken;
import dev.portway.storage.tunnels.TunnelDraft;
import dev.portway.storage.users.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static dev.portway.storage.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With PostgreSQL stopped, cached logins keep working and writes fail with a clear, retryable exception. */
@Timeout(120)
class DatabaseOutageTest {
    @TempDir
    Path dataDir;

    @Test
    void cachedTokensStillAuthenticateWhileTheDatabaseIsDown() throws Exception {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir);
        DatabaseConfig config = new DatabaseConfig(server.jdbcUrl(), server.user(), server.password(), 2,
                Duration.ofSeconds(1));
        // A short refresh interval, so reloads are attempted (and fail) during the outage.
        StorageSettings settings = new StorageSettings(new CacheSettings(Duration.ofMillis(100), 1_000),
                Duration.ofHours(1));
        try (Database database = Database.start(config, dataDir);
             Storage storage = Storage.open(database, settings)) {
            User user = result(storage.users().create("outage-user"));
            IssuedToken cached = result(storage.clientTokens().issue(user.id()));
            IssuedToken notCached = result(storage.clientTokens().issue(user.id()));
            result(storage.tunnels().create(TunnelDraft.tcp(user.id(), "ssh", 22022, "127.0.0.1:22")));
            assertThat(result(storage.tokenCache().authenticate(cached.token()))).isPresent();
            assertThat(result(storage.tunnelCache().byRemotePort(22022))).isPresent();

            server.close();

            for (int i = 0; i < 5; i++) {
                Thread.sleep(300);
                assertThat(result(storage.tokenCache().authenticate(cached.token()))).isPresent();
                assertThat(result(storage.tunnelCache().byRemotePort(22022))).isPresent();
            }
            assertThatThrownBy(() -> result(storage.users().create("written-while-down")))
                    .hasCauseInstanceOf(StorageUnavailableException.class);
            assertThatThrownBy(() -> result(storage.tokenCache().authenticate(notCached.token())))
                    .hasCauseInstanceOf(StorageUnavailableException.class);
        }
    }
}
