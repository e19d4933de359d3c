package dev.portway.server.testkit;

import dev.portway.client.TunnelClient;
import dev.portway.client.config.ClientConfig;
import dev.portway.client.config.ClientTlsConfig;
import dev.portway.client.config.ReconnectConfig;
import dev.portway.client.config.ServerAddress;
import dev.portway.client.config.TunnelConfig;
import dev.portway.client.tls.ClientTlsContexts;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.config.PortRanges;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.TunnelServer;
import dev.portway.server.config.AdminConfig;
import dev.portway.server.config.AuthConfig;
import dev.portway.server.config.DatabaseSettings;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.config.ServerTlsConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real server and real clients on loopback, as a test's one-stop setup. Everything it starts, it stops.
 */
public final class TunnelFixture implements AutoCloseable {
    public static final String TOKEN = "test-token-0123456789abcdef";
    public static final Duration WAIT = Duration.ofSeconds(20);

    private final Path dataDir;
    private final List<TunnelClient> clients = new ArrayList<>();
    private TunnelServer server;
    private InetSocketAddress controlAddress;

    public TunnelFixture() throws IOException {
        dataDir = Files.createTempDirectory("portway-test");
    }

    public ServerConfig serverConfig(int controlPort, Duration keepAliveInterval, int keepAliveMissed) {
        return serverConfig(controlPort, keepAliveInterval, keepAliveMissed, Duration.ofSeconds(10));
    }

    /** Without a database (static {@link #TOKEN} only), so that tests which do not need PostgreSQL do not pay for it. */
    public ServerConfig serverConfig(int controlPort, Duration keepAliveInterval, int keepAliveMissed,
                                     Duration handshakeTimeout) {
        return new ServerConfig("127.0.0.1", controlPort, PortRanges.parse("1025-65535"), dataDir,
                new ServerTlsConfig(null, null), new AuthConfig(List.of(AuthConfig.StaticToken.plain(TOKEN))), handshakeTimeout,
                keepAliveInterval, keepAliveMissed, Duration.ofSeconds(2), "127.0.0.1",
                AdminConfig.ephemeral("127.0.0.1"), DatabaseSettings.DISABLED, HttpConfig.DISABLED, null, null, null, null, null, null, null, null, null);
    }

    public TunnelServer startServer() throws Exception {
        return startServer(serverConfig(0, Duration.ofSeconds(10), 3));
    }

    public TunnelServer startServer(ServerConfig config) throws Exception {
        return startServer(config, null);
    }

    /** A server that {@link TunnelServer#reload() reloads} from {@code file}, which {@code config} was read from. */
    public TunnelServer startServer(ServerConfig config, Path file) throws Exception {
        server = new TunnelServer(config, file);
        controlAddress = server.start();
        return server;
    }

    public void stopServer() {
        server.stop(Duration.ZERO);
        server = null;
    }

    public TunnelServer server() {
        return server;
    }

    public InetSocketAddress controlAddress() {
        return controlAddress;
    }

    public static TunnelConfig tcp(String name, int localPort, int remotePort) {
        return new TunnelConfig(name, TunnelType.TCP, new HostPort("127.0.0.1", localPort), remotePort);
    }

    public ClientConfig clientConfig(int serverPort, String token, List<TunnelConfig> tunnels, Duration keepAliveInterval) {
        return clientConfig(serverPort, fingerprintHex(), token, tunnels, keepAliveInterval);
    }

    /** For a server this fixture did not start: one whose certificate has fingerprint {@code fingerprintHex}. */
    public static ClientConfig clientConfig(int serverPort, String fingerprintHex, String token, List<TunnelConfig> tunnels,
                                            Duration keepAliveInterval) {
        return new ClientConfig(List.of(ServerAddress.direct(new HostPort("127.0.0.1", serverPort))), null, token, null,
                new ClientTlsConfig(fingerprintHex, null, false, null), tunnels,
                new ReconnectConfig(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, true),
                Duration.ofSeconds(5), keepAliveInterval, 3, null, List.of(), null);
    }

    /** {@code config} with {@code reconnect.exitOnFatal: false}: it retries even a wrong token or certificate. */
    public static ClientConfig keepTrying(ClientConfig config) {
        return new ClientConfig(config.servers(), config.proxy(), config.token(), config.clientId(), config.tls(), config.tunnels(),
                config.reconnect().withExitOnFatal(false), config.dialTimeout(), config.keepAliveInterval(),
                config.keepAliveMissed(), config.metrics(), config.allowTargets(), config.inspect());
    }

    public TunnelClient startClient(ClientConfig config, String clientId, RecordingEvents events) throws Exception {
        TunnelClient client = new TunnelClient(config, clientId, ClientTlsContexts.create(config.tls()), events);
        clients.add(client);
        client.start();
        return client;
    }

    /** Starts a client with the given tunnels against this fixture's server and waits for its registration. */
    public List<TunnelResult.Status> connect(String clientId, RecordingEvents events, TunnelConfig... tunnels)
            throws Exception {
        startClient(clientConfig(controlAddress.getPort(), TOKEN, List.of(tunnels), Duration.ofSeconds(10)), clientId, events);
        return events.nextRegistration(WAIT);
    }

    public String fingerprintHex() {
        return server.certificateFingerprint().substring("sha256:".length());
    }

    public static int port(TunnelResult.Status status) {
        String address = status.publicAddress();
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** Waits until some session of {@code server} holds the tunnel {@code name} open. */
    public static void awaitTunnel(TunnelServer server, String name, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (server.sessions().all().stream().anyMatch(s -> s.tunnelAddresses().containsKey(name))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("tunnel " + name + " did not open within " + limit);
    }

    public static int freePort() throws IOException {
        return FreePorts.next();
    }

    @Override
    public void close() throws IOException {
        clients.forEach(TunnelClient::close);
        if (server != null) {
            server.close();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
