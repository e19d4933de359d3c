package dev.portway.server;

import dev.portway.server.testkit.JavaProcess;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kill -HUP} on a real server process, as {@code systemctl reload} sends it: a reload, not a stop. */
class HangupReloadIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sighupReloadsAndTheServerRunsOn() throws Exception {
        Path config = dir.resolve("server.yaml");
        Files.writeString(config, yaml("1025-65535"));
        try (JavaProcess server = JavaProcess.start("dev.portway.server.ServerMain", "-c", config.toString(),
                "--log-format", "text")) {
            server.awaitLine("Portway server", WAIT);

            Files.writeString(config, yaml("20000-20100"));
            hangup(server);
            server.awaitLineContaining("reload changed field=allowPorts applied=live", WAIT);
            server.awaitLineContaining("reload done", WAIT);

            Files.writeString(config, yaml("none of these"));
            hangup(server);
            server.awaitLineContaining("reload problem: server.yaml: allowPorts:", WAIT);
            assertThat(server.isAlive()).isTrue();
            server.stop(WAIT);
        }
    }

    private String yaml(String allowPorts) {
        return """
                controlPort: 0
                allowPorts: "%s"
                database: {enabled: false}
                admin: {bind: 127.0.0.1, port: 0}
                auth: {tokens: ["%s"]}
                http: {port: 0}
                https: {port: 0}
                """.formatted(allowPorts, TunnelFixture.TOKEN);
    }

    private static void hangup(JavaProcess process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }
}
