package dev.portway.server;

import dev.portway.client.Termination;
import dev.portway.client.TunnelClient;
import dev.portway.client.config.ClientConfig;
import dev.portway.client.config.ServerAddress;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TestCa;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.portway.server.testkit.TunnelFixture.WAIT;
import static dev.portway.server.testkit.TunnelFixture.tcp;
import static org.assertj.core.api.Assertions.assertThat;

/** Failures that retrying cannot fix end the client with their own kind, unless client.yaml says to keep trying. */
@Timeout(60)
class FatalFailureIT {
    private static final String OTHER_FINGERPRINT = "ab".repeat(32);

    private TunnelFixture fixture;
    private EchoServer echo;

    @BeforeEach
    void start() throws Exception {
        fixture = new TunnelFixture();
        echo = new EchoServer();
        fixture.startServer();
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
        echo.close();
    }

    private ClientConfig config(String fingerprintHex, String token) {
        return TunnelFixture.clientConfig(fixture.controlAddress().getPort(), fingerprintHex, token,
                List.of(tcp("echo", echo.port(), 0)), Duration.ofSeconds(10));
    }

    @Test
    void aWrongTokenEndsTheClient() throws Exception {
        TunnelClient client = fixture.startClient(config(fixture.fingerprintHex(), "not-the-right-token-at-all"),
                "wrong-token", new RecordingEvents());
        Termination end = client.terminated().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(end.kind()).isEqualTo(Termination.Kind.AUTH_REFUSED);
        assertThat(end.reason()).contains("invalid token");
    }

    @Test
    void aWrongFingerprintEndsTheClientNamingTheOneTheServerPresented() throws Exception {
        RecordingEvents events = new RecordingEvents();
        TunnelClient client = fixture.startClient(config(OTHER_FINGERPRINT, TunnelFixture.TOKEN), "pinned-wrong", events);
        Termination end = client.terminated().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(end.kind()).isEqualTo(Termination.Kind.SERVER_NOT_TRUSTED);
        assertThat(end.reason()).contains(fixture.server().certificateFingerprint())
                .contains("sha256:" + OTHER_FINGERPRINT);
        assertThat(events.retryDelays()).containsExactly(-1L);
    }

    @Test
    void aWrongFingerprintIsRetriedWhenClientYamlSaysToKeepTrying() throws Exception {
        RecordingEvents events = new RecordingEvents();
        TunnelClient client = fixture.startClient(TunnelFixture.keepTrying(config(OTHER_FINGERPRINT,
                TunnelFixture.TOKEN)), "keeps-trying", events);
        String presented = fixture.server().certificateFingerprint();
        assertThat(events.nextDisconnect(WAIT)).contains(presented);
        assertThat(events.nextDisconnect(WAIT)).contains(presented);
        assertThat(client.terminated()).isNotDone();
        assertThat(events.retryDelays()).allMatch(delay -> delay >= 0);
    }

    @Test
    void aWrongCertificateOnOneAddressPassesToTheNextAddress() throws Exception {
        try (SSLServerSocket other = tlsServerWithAnotherCertificate()) {
            Thread handshakes = new Thread(() -> handshakeWithEveryone(other), "other-tls-server");
            handshakes.setDaemon(true);
            handshakes.start();
            ClientConfig config = config(fixture.fingerprintHex(), TunnelFixture.TOKEN).withServers(List.of(
                    ServerAddress.direct(new HostPort("127.0.0.1", other.getLocalPort())),
                    ServerAddress.direct(new HostPort("127.0.0.1", fixture.controlAddress().getPort()))), null);
            RecordingEvents events = new RecordingEvents();
            TunnelClient client = fixture.startClient(config, "untrusted-first", events);

            assertThat(events.nextDisconnect(WAIT))
                    .startsWith("cannot trust the server 127.0.0.1:" + other.getLocalPort() + ": ");
            assertThat(events.nextRegistration(WAIT)).singleElement().matches(TunnelResult.Status::accepted);
            assertThat(events.retryDelays()).containsExactly(0L);
            assertThat(client.terminated()).isNotDone();
        }
    }

    /** A TLS listener whose certificate no client of this test trusts: its own CA, not the server's pinned one. */
    private static SSLServerSocket tlsServerWithAnotherCertificate() throws Exception {
        TestCa.Issued issued = TestCa.create("someone-else").issue("127.0.0.1");
        char[] password = "test".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", issued.key(), password, new Certificate[] {issued.cert()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 8, InetAddress.getLoopbackAddress());
    }

    private static void handshakeWithEveryone(SSLServerSocket server) {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                ((SSLSocket) socket).startHandshake();
            } catch (IOException refusedOrClosed) {
                // the client refuses the certificate, or the test is over
            }
        }
    }
}
