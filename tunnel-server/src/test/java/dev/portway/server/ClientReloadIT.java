package dev.portway.server;

import dev.portway.client.TunnelClient;
import dev.portway.client.config.ClientConfig;
import dev.portway.client.config.ClientConfigLoader;
import dev.portway.client.reload.ClientReload;
import dev.portway.client.reload.ConfigFileWatch;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.server.control.ClientSession;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running client takes an edited client.yaml: tunnels come and go on the session it has, a connection through a
 * removed tunnel drains, an invalid file changes nothing, and a change in how the server is reached reconnects.
 */
class ClientReloadIT {
    @TempDir
    Path dir;
    private Path file;
    private TunnelFixture fixture;
    private EchoServer echo;
    private TunnelServer server;

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("client.yaml");
        fixture = new TunnelFixture();
        echo = new EchoServer();
        server = fixture.startServer();
    }

    @AfterEach
    void tearDown() throws Exception {
        echo.close();
        fixture.close();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void anEditAddsAndRemovesTunnelsOnTheSameSession() throws Exception {
        int kept = TunnelFixture.freePort();
        int gone = TunnelFixture.freePort();
        int added = TunnelFixture.freePort();
        Files.writeString(file, yaml("10s", tunnel("kept", kept), tunnel("gone", gone)));
        ClientConfig config = ClientConfigLoader.load(file);
        RecordingEvents events = new RecordingEvents();
        TunnelClient client = fixture.startClient(config, "reloading", events);
        assertThat(events.nextRegistration(TunnelFixture.WAIT)).allMatch(TunnelResult.Status::accepted).hasSize(2);
        String sessionId = onlySession().sessionId();
        ClientReload reload = new ClientReload(file, config, client);

        try (Socket draining = new Socket(InetAddress.getLoopbackAddress(), gone);
             ConfigFileWatch watch = ConfigFileWatch.start(file, Duration.ofMillis(200), reload::reload)) {
            draining.setSoTimeout(10_000);
            assertEchoes(draining, "before");
            Files.writeString(file, yaml("10s", tunnel("kept", kept), tunnel("added", added)));

            List<TunnelResult.Status> registered = events.nextRegistration(TunnelFixture.WAIT);
            assertThat(registered).singleElement().satisfies(status -> {
                assertThat(status.name()).isEqualTo("added");
                assertThat(status.accepted()).as(status.toString()).isTrue();
                assertThat(TunnelFixture.port(status)).isEqualTo(added);
            });
            awaitNoListener(gone);
            assertIntact(Wire.echo(added, 1024 * 1024, 1));
            assertIntact(Wire.echo(kept, 1024 * 1024, 2));
            assertEchoes(draining, "after");
        }
        assertThat(onlySession().sessionId()).isEqualTo(sessionId);
        assertThat(onlySession().tunnelAddresses()).containsOnlyKeys("kept", "added");

        Files.writeString(file, yaml("10s", tunnel("kept", kept)) + "  - {name: broken, type: ftp}\n");
        reload.reload();
        assertThat(onlySession().tunnelAddresses()).containsOnlyKeys("kept", "added");
        assertThat(onlySession().sessionId()).isEqualTo(sessionId);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aChangeInHowTheServerIsReachedReconnects() throws Exception {
        int port = TunnelFixture.freePort();
        Files.writeString(file, yaml("10s", tunnel("kept", port)));
        ClientConfig config = ClientConfigLoader.load(file);
        RecordingEvents events = new RecordingEvents();
        TunnelClient client = fixture.startClient(config, "reconnecting", events);
        assertThat(events.nextRegistration(TunnelFixture.WAIT)).allMatch(TunnelResult.Status::accepted);
        String sessionId = onlySession().sessionId();

        Files.writeString(file, yaml("5s", tunnel("kept", port)));
        new ClientReload(file, config, client).reload();

        assertThat(events.nextDisconnect(TunnelFixture.WAIT)).isNotNull();
        assertThat(events.nextRegistration(TunnelFixture.WAIT)).allMatch(TunnelResult.Status::accepted);
        assertThat(onlySession().sessionId()).isNotEqualTo(sessionId);
        assertIntact(Wire.echo(port, 64 * 1024, 3));
    }

    private String yaml(String keepAliveInterval, String... tunnels) {
        return """
                server: 127.0.0.1:%d
                token: %s
                keepAliveInterval: %s
                tls:
                  fingerprint: "%s"
                tunnels:
                """.formatted(fixture.controlAddress().getPort(), TunnelFixture.TOKEN, keepAliveInterval,
                server.certificateFingerprint()) + String.join("", tunnels);
    }

    private String tunnel(String name, int remotePort) {
        return "  - {name: %s, type: tcp, local: 127.0.0.1:%d, remotePort: %d}\n".formatted(name, echo.port(),
                remotePort);
    }

    private ClientSession onlySession() {
        assertThat(server.sessions().all()).hasSize(1);
        return server.sessions().all().get(0);
    }

    private static void assertEchoes(Socket socket, String text) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes());
        out.flush();
        InputStream in = socket.getInputStream();
        assertThat(new String(in.readNBytes(text.length()))).isEqualTo(text);
    }

    /** The removed tunnel's public port stops accepting once the server has taken the unregister. */
    private static void awaitNoListener(int port) throws Exception {
        long deadline = System.nanoTime() + TunnelFixture.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                Thread.sleep(50);
            } catch (ConnectException closed) {
                return;
            }
        }
        throw new AssertionError("port " + port + " still accepts connections");
    }

    private static void assertIntact(Wire.Exchange exchange) {
        assertThat(exchange.received()).isEqualTo(exchange.sent());
        assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
    }
}
