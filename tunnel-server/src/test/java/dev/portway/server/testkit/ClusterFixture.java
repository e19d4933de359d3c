package dev.portway.server.testkit;

import dev.portway.client.config.ClientConfig;
import dev.portway.client.config.ServerAddress;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.server.tls.ServerCertificate;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Server processes (nodes) of one cluster on one PostgreSQL that none of them runs ({@link ClusterDatabase}). Each
 * node binds an address of its own on loopback (127.0.0.x), so that all of them can listen on the same port numbers,
 * as nodes on separate machines do. All serve the certificate the first node made, which clients pin. Heartbeat
 * 500 ms, deadAfter 3 s; shutdownGrace is the default (10 s), for a stopping node waits that long at most for its
 * clients to move, and a loaded machine may need more than a second. Everything it starts, it stops.
 */
public final class ClusterFixture implements AutoCloseable {
    public static final Duration START = Duration.ofSeconds(120);
    /** The web domain of every node: an http tunnel with subdomain {@code app} serves {@code app.cluster.test}. */
    public static final String DOMAIN = "cluster.test";
    private static final String FINGERPRINT_LINE = "TLS certificate fingerprint: sha256:";

    private final ClusterDatabase database;
    private final Path dir;
    private final List<Node> nodes = new ArrayList<>();
    private Node first;
    private String fingerprint;

    public ClusterFixture() throws Exception {
        dir = Files.createTempDirectory("portway-cluster");
        database = ClusterDatabase.start();
    }

    /**
     * The ports a node listens on, each on the node's own address; {@code http} 0: no public web port; {@code link}:
     * the node-to-node link's (its {@code cluster.advertise}).
     */
    public record Ports(int control, int admin, int http, int link) {
        public static Ports free(boolean web) throws IOException {
            return new Ports(FreePorts.next(), FreePorts.next(), web ? FreePorts.next() : 0, FreePorts.next());
        }
    }

    /** Starts node {@code name} on {@code address} and waits until it listens, serving the cluster's certificate. */
    public Node start(String name, String address, Ports ports) throws IOException, InterruptedException {
        Node node = launch(name, address, ports);
        node.awaitListening();
        return node;
    }

    /** Starts node {@code name} on {@code address} without waiting: for a node expected not to start. */
    public Node launch(String name, String address, Ports ports) throws IOException {
        Path nodeDir = Files.createDirectories(dir.resolve(address));
        Path config = nodeDir.resolve("server.yaml");
        Files.writeString(config, """
                bind: %s
                controlPort: %d
                dataDir: %s
                database: {url: "%s", user: "%s", password: "%s"}
                auth: {tokens: ["%s"]}
                admin: {bind: %s, port: %d}
                domain: %s
                http: {port: %d}
                https: {port: 0}
                keepAliveInterval: 1s
                cluster: {nodeName: %s, advertise: "%s:%d", secret: "%s", heartbeat: 500ms, deadAfter: 3s}
                """.formatted(address, ports.control(), nodeDir.resolve("data"), database.jdbcUrl(), database.user(),
                database.password(), TunnelFixture.TOKEN, address, ports.admin(), DOMAIN, ports.http(), name, address,
                ports.link(), ClusterDatabase.SECRET) + sharedCertificate());
        Node node = new Node(name, address, ports, config);
        if (first == null) {
            first = node;
        }
        nodes.add(node);
        node.launch();
        return node;
    }

    /** For every node but the first: the certificate the first one made, so that one pinned fingerprint fits all. */
    private String sharedCertificate() {
        if (first == null) {
            return "";
        }
        Path tls = first.dataDir().resolve(ServerCertificate.TLS_DIR);
        return "tls: {cert: \"%s\", key: \"%s\"}\n".formatted(tls.resolve(ServerCertificate.CERT_FILE),
                tls.resolve(ServerCertificate.KEY_FILE));
    }

    /** The admin API key the first node's start created (the database, and so the key, is shared). */
    public String adminKey() throws IOException {
        return AdminHttp.initialCredential(first.dataDir().resolve("initial-credentials"), "admin_api_key");
    }

    /** A client that dials {@code servers} in order, failing over to the next, with this cluster's fingerprint. */
    public ClientConfig clientConfig(List<InetSocketAddress> servers, TunnelConfig... tunnels) {
        return TunnelFixture.clientConfig(servers.get(0).getPort(), fingerprint, TunnelFixture.TOKEN,
                List.of(tunnels), Duration.ofSeconds(1)).withServers(servers.stream()
                .map(s -> ServerAddress.direct(new HostPort(s.getHostString(), s.getPort()))).toList(), null);
    }

    public Connection database() throws SQLException {
        return database.connect();
    }

    /** The names of the nodes in the {@code nodes} table, sorted. */
    public List<String> nodes() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = database(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM nodes ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /** The nodes holding the sessions of {@code clientIds}; a client between two nodes has none. */
    public List<String> nodeOfAll(Collection<String> clientIds) throws SQLException {
        List<String> held = new ArrayList<>();
        try (Connection c = database();
             PreparedStatement s = c.prepareStatement("SELECT node FROM sessions WHERE client_id = ANY (?)")) {
            s.setArray(1, c.createArrayOf("text", clientIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    held.add(rs.getString(1));
                }
            }
        }
        return held;
    }

    @Override
    public void close() throws InterruptedException {
        for (Node node : nodes) {
            node.kill();
        }
        database.close();
    }

    /** One server process of the cluster; {@link #restart} runs the same configuration again. */
    public final class Node {
        private final String name;
        private final String address;
        private final Ports ports;
        private final Path config;
        private volatile JavaProcess process;

        private Node(String name, String address, Ports ports, Path config) {
            this.name = name;
            this.address = address;
            this.ports = ports;
            this.config = config;
        }

        private void launch() throws IOException {
            // Each start appends to the same transcript, beside server.yaml: the node's log, kept with its data.
            process = JavaProcess.startLogged(config.resolveSibling("server.out"), "dev.portway.server.ServerMain",
                    "-c", config.toString(), "--log-format", "text");
        }

        private void awaitListening() throws InterruptedException {
            process.awaitLine("Portway server ", START);
            String line = process.awaitLine(FINGERPRINT_LINE, START);
            if (fingerprint == null) {
                fingerprint = line.substring(FINGERPRINT_LINE.length());
            } else if (!line.equals(FINGERPRINT_LINE + fingerprint)) {
                throw new AssertionError("node " + name + " serves another certificate: " + line);
            }
        }

        public String name() {
            return name;
        }

        public String address() {
            return address;
        }

        public Ports ports() {
            return ports;
        }

        public Path config() {
            return config;
        }

        public Path dataDir() {
            return config.resolveSibling("data");
        }

        public JavaProcess process() {
            return process;
        }

        /** {@code port} on this node's address. */
        public InetSocketAddress at(int port) {
            return new InetSocketAddress(address, port);
        }

        public InetSocketAddress control() {
            return at(ports.control());
        }

        public AdminHttp admin() throws IOException {
            return new AdminHttp(at(ports.admin()), adminKey());
        }

        /** kill -9. */
        public void kill() throws InterruptedException {
            process.kill();
        }

        /** SIGTERM, and waits until the process is gone. */
        public void stop(Duration timeout) throws InterruptedException {
            process.stop(timeout);
        }

        /** Starts the node again with its configuration (and data directory) and waits until it listens. */
        public void restart() throws IOException, InterruptedException {
            launch();
            awaitListening();
        }
    }
}
