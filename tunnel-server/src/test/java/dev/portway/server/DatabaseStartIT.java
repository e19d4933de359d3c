package dev.portway.server;

import dev.portway.server.config.DatabaseSettings;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.storage.bootstrap.InitialCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The server with its default, embedded PostgreSQL: the first start bootstraps credentials once, later ones do not. */
class DatabaseStartIT {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void firstStartCreatesCredentialsOnceAndARestartReusesTheDatabase() throws Exception {
        try (TunnelFixture fixture = new TunnelFixture()) {
            var config = fixture.serverConfig(0, Duration.ofSeconds(10), 3).withDatabase(DatabaseSettings.EMBEDDED);

            TunnelServer first = fixture.startServer(config);
            InitialCredentials credentials = first.initialCredentials().orElseThrow();
            assertThat(credentials.apiKey().key()).startsWith("pwk_");
            assertThat(credentials.clientToken().token()).startsWith("pwt_");
            assertThat(Files.getPosixFilePermissions(credentials.file()))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.readString(credentials.file())).contains(credentials.apiKey().key());
            fixture.stopServer();

            TunnelServer second = fixture.startServer(config);
            assertThat(second.initialCredentials()).isEmpty();
            assertThat(second.storage()).isPresent();
        }
    }
}
