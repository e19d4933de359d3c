package dev.portway.server;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.config.HttpsCertificateConfig;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TestCa;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HTTPS on the server's https port, end to end on loopback: a test CA issues the certificates, a public client that
 * trusts only that CA connects with SNI, and the real client carries the traffic to a local service.
 */
@Timeout(60)
class HttpsTunnelIT {
    private static final String HOST = "app.example.test";
    /** Of an in-memory key store only. */
    private static final char[] KEY_PASSWORD = "test".toCharArray();

    @TempDir
    Path dir;
    private TunnelFixture fixture;
    private TestCa ca;
    private HttpServer local;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        ca = TestCa.create("portway-test-ca");
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
        if (local != null) {
            local.stop(0);
        }
    }

    @Test
    void terminateServesThePlainLocalServiceAsHttps() throws Exception {
        TestCa.Issued serverCert = ca.issue(HOST);
        TestCa.PemFiles files = serverCert.written(dir, "app");
        startServer(List.of(new HttpsCertificateConfig(List.of(HOST), files.cert(), files.key())));
        local = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        answerWithForwardedHeaders(local);
        local.start();
        assertThat(register("web", local.getAddress().getPort(), "terminate").accepted()).isTrue();

        try (SSLSocket socket = connect(HOST)) {
            assertThat(peerCertificate(socket)).isEqualTo(serverCert.cert());
            String response = get(socket);
            assertThat(response).startsWith("HTTP/1.1 200");
            assertThat(response).contains("proto=https").contains("host=" + HOST);
        }
    }

    @Test
    void passthroughCompletesTlsWithTheLocalServiceItself() throws Exception {
        // The server has no certificate at all: passthrough never needs one.
        startServer(List.of());
        TestCa.Issued localCert = ca.issue(HOST);
        HttpsServer tlsService = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tlsService.setHttpsConfigurator(new HttpsConfigurator(serverContext(localCert)));
        answerWithForwardedHeaders(tlsService);
        tlsService.start();
        local = tlsService;
        TunnelResult.Status status = register("secure", tlsService.getAddress().getPort(), "passthrough");
        assertThat(status.accepted()).isTrue();
        assertThat(status.publicAddress()).startsWith("https://" + HOST + ":");

        try (SSLSocket socket = connect(HOST)) {
            assertThat(peerCertificate(socket)).isEqualTo(localCert.cert());
            String response = get(socket);
            assertThat(response).startsWith("HTTP/1.1 200");
            // The server saw only ciphertext, so it added nothing: the local service sees no forwarding headers.
            assertThat(response).contains("proto=none");
        }
    }

    @Test
    void anUnknownNameOrNoNameIsClosedWithATlsAlert() throws Exception {
        TestCa.PemFiles serverCert = ca.issue(HOST).written(dir, "app");
        startServer(List.of(new HttpsCertificateConfig(List.of(HOST), serverCert.cert(), serverCert.key())));
        local = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        answerWithForwardedHeaders(local);
        local.start();
        register("web", local.getAddress().getPort(), "terminate");

        assertThatThrownBy(() -> connect("nobody.example.test").close())
                .isInstanceOf(SSLException.class)
                .hasMessageContaining("unrecognized_name");
        assertThatThrownBy(() -> connect(null).close())
                .isInstanceOf(SSLException.class)
                .hasMessageContaining("unrecognized_name");
        try (SSLSocket socket = connect(HOST)) {
            assertThat(get(socket)).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void aTerminatedTunnelWithACertificateShowsItsHttpsUrlBesideTheHttpOne() throws Exception {
        TestCa.PemFiles files = ca.issue(HOST).written(dir, "app");
        int httpPort = TunnelFixture.freePort();
        int httpsPort = startServer(httpPort, List.of(new HttpsCertificateConfig(List.of(HOST), files.cert(),
                files.key())));
        TunnelResult.Status status = register("web", TunnelFixture.freePort(), "terminate");
        assertThat(status.publicAddress()).isEqualTo("http://" + HOST + ":" + httpPort);
        assertThat(status.alsoAt()).containsExactly("https://" + HOST + ":" + httpsPort);
    }

    @Test
    void withoutACertificateForItsHostATunnelShowsOnlyItsHttpUrl() throws Exception {
        int httpPort = TunnelFixture.freePort();
        startServer(httpPort, List.of());
        TunnelResult.Status status = register("web", TunnelFixture.freePort(), "terminate");
        assertThat(status.publicAddress()).isEqualTo("http://" + HOST + ":" + httpPort);
        assertThat(status.alsoAt()).isEmpty();
    }

    private void startServer(List<HttpsCertificateConfig> certificates) throws Exception {
        startServer(0, certificates);
    }

    /** @return the https port */
    private int startServer(int httpPort, List<HttpsCertificateConfig> certificates) throws Exception {
        int httpsPort = TunnelFixture.freePort();
        ServerConfig config = fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                .withHttp(new HttpConfig(null, httpPort, httpsPort).withHttps(httpsPort, certificates));
        fixture.startServer(config);
        return httpsPort;
    }

    private TunnelResult.Status register(String name, int localPort, String https) throws Exception {
        HttpOptions options = new HttpOptions(null, List.of(HOST), null, null, null, null, null, https);
        TunnelConfig tunnel = new TunnelConfig(name, TunnelType.HTTP, new HostPort("127.0.0.1", localPort), 0,
                options, null);
        return fixture.connect("c1", new RecordingEvents(), tunnel).get(0);
    }

    /** Answers every request with what it was told about the public request. */
    private static void answerWithForwardedHeaders(HttpServer server) {
        server.createContext("/", exchange -> {
            String proto = exchange.getRequestHeaders().getFirst("X-Forwarded-Proto");
            byte[] body = ("proto=" + (proto == null ? "none" : proto) + " host="
                    + exchange.getRequestHeaders().getFirst("Host") + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    /** A TLS connection to the https port, trusting only the test CA; {@code sni} null sends no server name. */
    private SSLSocket connect(String sni) throws Exception {
        return ca.connect(fixture.server().httpsAddress().getPort(), sni);
    }

    private static Certificate peerCertificate(SSLSocket socket) throws Exception {
        return socket.getSession().getPeerCertificates()[0];
    }

    private static String get(SSLSocket socket) throws IOException {
        socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static SSLContext serverContext(TestCa.Issued issued) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("local", issued.key(), KEY_PASSWORD, new Certificate[] {issued.cert()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, KEY_PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }
}
