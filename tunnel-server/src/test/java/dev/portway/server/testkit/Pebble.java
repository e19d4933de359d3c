package dev.portway.server.testkit;

import dev.portway.protocol.config.HostPort;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pebble, the ACME test server of Debian's {@code pebble} package, on loopback ports of its own, with
 * {@code pebble-challtestsrv} as its DNS server answering 127.0.0.1 for every name. Its validations go to the ports
 * the server under test listens on. Its own TLS certificate comes from a {@link TestCa}; the certificates it issues
 * chain to a root that {@link #root()} fetches from its management port.
 */
public final class Pebble implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(15);

    private final List<Process> processes = new ArrayList<>();
    private final int acmePort;
    private final int managementPort;
    private final int challtestPort;
    private final int dnsPort;
    private final TestCa tlsCa;
    private final Path dir;

    private Pebble(Path dir, TestCa tlsCa, int acmePort, int managementPort, int challtestPort, int dnsPort) {
        this.challtestPort = challtestPort;
        this.dnsPort = dnsPort;
        this.dir = dir;
        this.tlsCa = tlsCa;
        this.acmePort = acmePort;
        this.managementPort = managementPort;
    }

    public static boolean installed() {
        return Programs.onPath("pebble") && Programs.onPath("pebble-challtestsrv");
    }

    /**
     * @param httpPort where Pebble sends HTTP-01 validations (the server's http.port)
     * @param tlsPort  where Pebble sends TLS-ALPN-01 validations (the server's https.port)
     * @param validity how long the certificates it issues are valid; null: Pebble's default (five years)
     */
    public static Pebble start(Path dir, int httpPort, int tlsPort, Duration validity) throws Exception {
        Files.createDirectories(dir);
        TestCa tlsCa = TestCa.create("pebble-listener-ca");
        TestCa.PemFiles listener = tlsCa.issue("localhost").written(dir, "pebble-listener");
        int dnsPort = TunnelFixture.freePort();
        int challtestPort = TunnelFixture.freePort();
        Pebble pebble = new Pebble(dir, tlsCa, TunnelFixture.freePort(), TunnelFixture.freePort(), challtestPort,
                dnsPort);
        try {
            pebble.launch("challtestsrv", new ProcessBuilder("pebble-challtestsrv",
                    "-dns01", "127.0.0.1:" + dnsPort, "-management", "127.0.0.1:" + challtestPort,
                    "-http01", "", "-https01", "", "-tlsalpn01", "", "-defaultIPv6", "",
                    "-defaultIPv4", "127.0.0.1"), Map.of());
            awaitPort(challtestPort);
            Path config = Files.writeString(dir.resolve("pebble-config.json"), """
                    {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                      "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                      "ocspResponderURL": "", "externalAccountBindingRequired": false%s}}
                    """.formatted(pebble.acmePort, pebble.managementPort, listener.cert(), listener.key(), httpPort,
                    tlsPort, validity == null ? "" : ", \"certificateValidityPeriod\": " + validity.toSeconds()));
            // Validate at once, accept every nonce, and validate each order anew (no reused authorizations).
            pebble.launch("pebble", new ProcessBuilder("pebble", "-config", config.toString(),
                    "-dnsserver", "127.0.0.1:" + dnsPort), Map.of("PEBBLE_VA_NOSLEEP", "1",
                    "PEBBLE_WFE_NONCEREJECT", "0", "PEBBLE_AUTHZREUSE", "0"));
            awaitPort(pebble.acmePort);
            awaitPort(pebble.managementPort);
            return pebble;
        } catch (Exception | Error e) {
            pebble.close();
            throw e;
        }
    }

    private void launch(String name, ProcessBuilder builder, Map<String, String> env) throws IOException {
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        processes.add(builder.start());
    }

    /** The directory URL of {@code https.acme.directory}. */
    public String directory() {
        return "https://localhost:" + acmePort + "/dir";
    }

    /**
     * The HTTP management API of Pebble's DNS server ({@code POST /set-txt}, {@code /clear-txt}), which a dns-01 hook
     * calls to publish its TXT records.
     */
    public String dnsManagement() {
        return "http://127.0.0.1:" + challtestPort;
    }

    /** Pebble's DNS server (UDP), which answers 127.0.0.1 for every name unless {@link #pointAt} says otherwise. */
    public HostPort dnsServer() {
        return new HostPort("127.0.0.1", dnsPort);
    }

    /** Makes Pebble's DNS server answer {@code address} for {@code host} (an A record) from now on. */
    public void pointAt(String host, String address) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(dnsManagement() + "/add-a"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"host\": \"" + host + ".\", \"addresses\": [\""
                        + address + "\"]}")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("pebble-challtestsrv refused /add-a: " + response.statusCode() + " "
                    + response.body());
        }
    }

    /** Writes the CA of Pebble's own listener to {@code file}: {@code https.acme.trustedCa}. */
    public Path writeListenerCa(Path file) throws Exception {
        return tlsCa.writeCert(file);
    }

    /** The root the certificates Pebble issues chain to (a new one each run of Pebble). */
    public X509Certificate root() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(TestCa.trusting(tlsCa.cert()))
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + managementPort + "/roots/0")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(body);
        }
    }

    /** Stops Pebble only (the DNS server stays): the CA is unreachable from now on. */
    public void stopCa() throws InterruptedException {
        Process ca = processes.get(processes.size() - 1);
        ca.destroy();
        ca.waitFor();
    }

    private static void awaitPort(int port) throws Exception {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("nothing listens on port " + port + " after " + START_LIMIT, e);
                }
                Thread.sleep(50);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            process.waitFor();
        }
    }
}
