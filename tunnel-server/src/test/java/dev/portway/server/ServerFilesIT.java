package dev.portway.server;

import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.JavaProcess;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a real server process puts its files: started the way an operator starts it ({@code tunnel-server -c
 * /etc/…/server.yaml}) from a working directory of its own, it writes nothing there; its state and the access log
 * land under the data directory, which like every relative path in server.yaml is relative to the file.
 */
@Timeout(180)
class ServerFilesIT {
    private static final Duration START = Duration.ofSeconds(120);

    @TempDir
    Path workingDir;
    @TempDir
    Path configDir;

    @Test
    void withTheEmbeddedDatabaseEverythingLandsUnderTheDataDirAndTheAccessLogInItsLogs() throws Exception {
        // Run as root, the embedded PostgreSQL runs as another user, which must be able to walk into the data dir.
        Files.setPosixFilePermissions(configDir, PosixFilePermissions.fromString("rwx--x--x"));
        int httpPort = TunnelFixture.freePort();
        Path config = writeConfig("""
                http: {port: %d}
                https: {port: 0}
                """.formatted(httpPort));

        try (JavaProcess server = JavaProcess.startIn(workingDir, "dev.portway.server.ServerMain", "-c",
                config.toString(), "--log-format", "text")) {
            server.awaitLine("Portway server", START);
            try (HttpWire wire = new HttpWire(httpPort)) {
                assertThat(wire.exchange(HttpWire.get("nobody.example", "/files-probe")).status()).isEqualTo(404);
            }
            server.stop(Duration.ofSeconds(30));
        }

        assertThat(list(workingDir)).isEmpty();
        assertThat(list(configDir)).containsExactlyInAnyOrder("server.yaml", "state");
        Path accessLog = configDir.resolve("state/logs/access.log");
        assertThat(Files.readString(accessLog)).contains(" nobody.example \"GET /files-probe\" 404 ");
        assertThat(configDir.resolve("state/initial-credentials")).exists();
    }

    @Test
    void withoutAWebListenerThereIsNoAccessLogFile() throws Exception {
        Path config = writeConfig("""
                database: {enabled: false}
                auth: {tokens: ["%s"]}
                http: {port: 0}
                https: {port: 0}
                """.formatted(TunnelFixture.TOKEN));

        try (JavaProcess server = JavaProcess.startIn(workingDir, "dev.portway.server.ServerMain", "-c",
                config.toString(), "--log-format", "text")) {
            server.awaitLine("Portway server", START);
            server.stop(Duration.ofSeconds(30));
        }

        assertThat(list(workingDir)).isEmpty();
        assertThat(configDir.resolve("state")).isDirectory();
        assertThat(configDir.resolve("state/logs")).doesNotExist();
    }

    private Path writeConfig(String sections) throws Exception {
        return Files.writeString(configDir.resolve("server.yaml"), """
                bind: 127.0.0.1
                controlPort: 0
                dataDir: state
                admin: {port: 0}
                """ + sections);
    }

    private static List<String> list(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
