package dev.portway.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portway.protocol.config.HostPort;
import dev.portway.server.config.DatabaseSettings;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.testkit.AdminHttp;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backup and restore end to end: a server with its embedded PostgreSQL filled through the admin API, a backup taken
 * while it runs, a restore into the embedded PostgreSQL of a new data directory, and a new server on it that lets a
 * client in with the token issued by the old one and opens that client's stored tunnel.
 */
class BackupRestoreIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TunnelFixture original = new TunnelFixture();
    private final TunnelFixture restored = new TunnelFixture();

    BackupRestoreIT() throws Exception {
    }

    @AfterEach
    void stop() throws Exception {
        original.close();
        restored.close();
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aClientWithItsOldTokenGetsItsStoredTunnelsFromTheRestoredServer(@TempDir Path dir) throws Exception {
        try (EchoServer echo = new EchoServer()) {
            String echoTarget = "127.0.0.1:" + echo.port();
            ServerConfig originalConfig = serverConfig(original);
            TunnelServer first = original.startServer(originalConfig);
            String adminKey = AdminHttp.initialCredential(first.initialCredentials().orElseThrow().file(),
                    "admin_api_key");
            AdminHttp api = new AdminHttp(first.adminAddress(), adminKey);

            long planId = api.expect(201, "POST", "/api/v1/plans",
                    "{\"name\": \"basic\", \"monthlyTraffic\": 10000000000, \"tunnelTypes\": [\"tcp\", \"http\"]}")
                    .path("id").asLong();
            long aliceId = api.expect(201, "POST", "/api/v1/users", "{\"name\": \"alice\"}").path("user").path("id")
                    .asLong();
            api.expect(200, "PATCH", "/api/v1/users/" + aliceId, "{\"planId\": " + planId + "}");
            api.expect(201, "POST", "/api/v1/users", "{\"name\": \"bob\", \"apiKeyRole\": \"user\"}");
            String token = api.expect(201, "POST", "/api/v1/users/" + aliceId + "/tokens", null).path("token").asText();
            int port = TunnelFixture.freePort();
            api.expect(201, "POST", "/api/v1/tunnels", "{\"ownerId\": " + aliceId + ", \"name\": \"echo\", "
                    + "\"type\": \"tcp\", \"remotePort\": " + port + ", \"localTarget\": \"" + echoTarget + "\", "
                    + "\"maxConnections\": 5}");
            api.expect(201, "POST", "/api/v1/tunnels", "{\"ownerId\": " + aliceId + ", \"name\": \"site\", "
                    + "\"type\": \"http\", \"subdomain\": \"site\", \"customDomains\": [\"www.example.org\"], "
                    + "\"locations\": [\"/api\"], \"localTarget\": \"" + echoTarget + "\", \"enabled\": false}");
            api.expect(201, "POST", "/api/v1/claims",
                    "{\"kind\": \"host\", \"name\": \"reserved.example.net\", \"userId\": " + aliceId + "}");

            Path backup = dir.resolve("portway-backup.json");
            Path originalYaml = yaml(dir.resolve("original.yaml"), originalConfig);
            ServerCommand backedUp = ServerCommand.run("backup", "--to", backup.toString(), "-c",
                    originalYaml.toString(), "--log-format", "text");
            assertThat(backedUp.exit()).as(backedUp.toString()).isZero();
            assertThat(backedUp.out()).contains("users 3", "client_tokens 2", "tunnels 2", "tunnel_domains 1",
                    "plans 1", "claims 1");
            JsonNode document = JSON.readTree(backup.toFile());
            assertThat(document.path("format").asText()).isEqualTo("portway-backup");
            assertThat(document.path("version").asInt()).isEqualTo(1);
            assertThat(document.path("schemaVersion").asInt()).isPositive();
            assertThat(document.path("createdAt").asText()).isNotEmpty();
            assertThat(Files.readString(backup)).as("hashes only").doesNotContain(token).doesNotContain(adminKey);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup))).isEqualTo("rw-------");
            original.stopServer();

            ServerConfig restoredConfig = serverConfig(restored);
            Path restoredYaml = yaml(dir.resolve("restored.yaml"), restoredConfig);
            ServerCommand restore = ServerCommand.run("restore", "--from", backup.toString(), "-c",
                    restoredYaml.toString(), "--log-format", "text");
            assertThat(restore.exit()).as(restore.toString()).isZero();
            ServerCommand refused = ServerCommand.run("restore", "--from", backup.toString(), "-c",
                    restoredYaml.toString(), "--log-format", "text");
            assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err()).contains("not empty", "--force");
            ServerCommand replaced = ServerCommand.run("restore", "--from", backup.toString(), "--force", "-c",
                    restoredYaml.toString(), "--log-format", "text");
            assertThat(replaced.exit()).as(replaced.toString()).isZero();

            TunnelServer second = restored.startServer(restoredConfig);
            assertThat(second.initialCredentials()).as("the restored users make it no first start").isEmpty();
            RecordingEvents events = new RecordingEvents();
            restored.startClient(restored.clientConfig(restored.controlAddress().getPort(), token, List.of(),
                            Duration.ofMillis(500)).withAllowTargets(List.of(HostPort.parse(echoTarget))),
                    "alice-laptop", events);
            TunnelFixture.awaitTunnel(second, "echo", Duration.ofSeconds(20));
            Wire.Exchange exchange = Wire.echo(port, 256 * 1024, 23);
            assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());

            AdminHttp restoredApi = new AdminHttp(second.adminAddress(), adminKey);
            JsonNode alice = restoredApi.expect(200, "GET", "/api/v1/users/" + aliceId, null);
            assertThat(alice.path("name").asText()).isEqualTo("alice");
            assertThat(alice.path("planId").asLong()).isEqualTo(planId);
            JsonNode site = restoredApi.expect(200, "GET", "/api/v1/tunnels", null).findParents("name").stream()
                    .filter(t -> t.path("name").asText().equals("site")).findFirst().orElseThrow();
            assertThat(site.path("customDomains").get(0).asText()).isEqualTo("www.example.org");
            assertThat(site.path("locations").get(0).asText()).isEqualTo("/api");
            assertThat(site.path("enabled").asBoolean()).isFalse();
            assertThat(restoredApi.expect(200, "GET", "/api/v1/users/" + aliceId + "/claims", null).toString())
                    .contains("reserved.example.net");
            long carol = restoredApi.expect(201, "POST", "/api/v1/users", "{\"name\": \"carol\"}").path("user")
                    .path("id").asLong();
            assertThat(carol).as("ids continue after the restored ones").isGreaterThan(aliceId + 1);
        }
    }

    private static ServerConfig serverConfig(TunnelFixture fixture) {
        return fixture.serverConfig(0, Duration.ofMillis(500), 6).withDatabase(DatabaseSettings.EMBEDDED);
    }

    /** The server.yaml an operator would pass to backup and restore: where the data directory is. */
    private static Path yaml(Path file, ServerConfig config) throws Exception {
        return Files.writeString(file, "dataDir: " + config.dataDir().toAbsolutePath() + "\n");
    }
}
