package dev.portway.server;

import dev.portway.admin.LiveSession;
import dev.portway.monitor.events.EventJournal;
import dev.portway.server.admin.RegistryLiveServerView;
import dev.portway.server.config.DatabaseSettings;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Wire;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.storage.bootstrap.InitialCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
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

            // The bootstrap's client token is a database token: the client logs in with it, and the admin API's
            // view of the session carries the user and token ids that revocation looks for.
            try (EchoServer echo = new EchoServer()) {
                RecordingEvents events = new RecordingEvents();
                fixture.startClient(fixture.clientConfig(fixture.controlAddress().getPort(),
                        credentials.clientToken().token(), List.of(TunnelFixture.tcp("echo", echo.port(), 0)),
                        Duration.ofSeconds(10)), "db-client", events);
                int port = TunnelFixture.port(events.nextRegistration(TunnelFixture.WAIT).get(0));
                Wire.Exchange exchange = Wire.echo(port, 64 * 1024, 1);
                assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());

                RegistryLiveServerView view = new RegistryLiveServerView(first.sessions(), () -> true, new EventJournal());
                LiveSession live = view.sessions().get(0);
                assertThat(live.clientId()).isEqualTo("db-client");
                assertThat(live.userId()).isEqualTo(credentials.admin().id());
                assertThat(live.tokenId()).isEqualTo(credentials.clientToken().row().id());
                assertThat(live.tunnels()).containsExactly("echo");

                // An operator's disconnect ends the connection; the client, whose token is still good, comes back.
                assertThat(view.disconnect(live.id())).isTrue();
                events.nextRegistration(TunnelFixture.WAIT);
                assertThat(view.sessions()).extracting(LiveSession::id).doesNotContain(live.id());
                assertThat(view.disconnect(live.id())).isFalse();
            }
            fixture.stopServer();

            TunnelServer second = fixture.startServer(config);
            assertThat(second.initialCredentials()).isEmpty();
            assertThat(second.storage()).isPresent();
        }
    }
}
