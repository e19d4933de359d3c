package dev.portway.server.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code tunnel-client} and {@code tunnel-server} as separate JVMs with a minimal configuration each. */
public final class Processes {
    private Processes() {
    }

    /**
     * A client with one tcp tunnel {@code name} from {@code remotePort} to 127.0.0.1:{@code localPort}; it prints a line
     * starting with the tunnel's name once the tunnel is open.
     *
     * @param fingerprint the server certificate's {@code sha256:...} fingerprint
     */
    public static JavaProcess client(InetSocketAddress server, String fingerprint, String name, int localPort,
                                     int remotePort) throws IOException {
        Path config = Files.createTempDirectory("portway-client").resolve("client.yaml");
        Files.writeString(config, """
                server: 127.0.0.1:%d
                token: %s
                tls:
                  fingerprint: "%s"
                tunnels:
                  - name: %s
                    type: tcp
                    local: 127.0.0.1:%d
                    remotePort: %d
                """.formatted(server.getPort(), TunnelFixture.TOKEN, fingerprint, name, localPort, remotePort));
        return JavaProcess.start("dev.portway.client.ClientMain", "-c", config.toString(), "--log-format", "text");
    }

    /** A client of {@code fixture}'s server. */
    public static JavaProcess client(TunnelFixture fixture, String name, int localPort, int remotePort)
            throws IOException {
        return client(fixture.controlAddress(), fixture.server().certificateFingerprint(), name, localPort, remotePort);
    }

    /**
     * A server without database or web listeners that accepts {@link TunnelFixture#TOKEN}, on {@code controlPort}; it
     * prints {@code TLS certificate fingerprint: sha256:...} once it listens.
     */
    public static JavaProcess server(int controlPort) throws IOException {
        return server(controlPort, """
                http: {port: 0}
                https: {port: 0}
                admin: {enabled: false}
                """);
    }

    /**
     * The same server with {@code webSections} (YAML for {@code domain}, {@code http}, {@code https}, {@code admin})
     * in place of the ones that turn the web listeners off. Once it listens it prints
     * {@code Portway server ... listening for clients on host:port}, the fingerprint line and, with the admin
     * listener on, {@code Metrics: http://host:port/metrics}.
     */
    public static JavaProcess server(int controlPort, String webSections) throws IOException {
        return server(controlPort, "database: {enabled: false}\n", webSections);
    }

    /** The same server with {@code database} (YAML for the {@code database} section) in place of none. */
    public static JavaProcess server(int controlPort, String database, String webSections) throws IOException {
        Path dir = Files.createTempDirectory("portway-server");
        Path config = dir.resolve("server.yaml");
        Files.writeString(config, """
                bind: 127.0.0.1
                controlPort: %d
                dataDir: %s
                auth: {tokens: ["%s"]}
                """.formatted(controlPort, dir.resolve("data"), TunnelFixture.TOKEN) + database + webSections);
        return JavaProcess.start("dev.portway.server.ServerMain", "-c", config.toString(), "--log-format", "text");
    }
}
