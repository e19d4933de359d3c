package dev.portway.server;

import dev.portway.client.config.ProxyProtocolVersion;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.config.ProxyProtocolConfig;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.testkit.HttpBackend;
import dev.portway.server.testkit.HttpWire;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.RecordingService;
import dev.portway.server.testkit.TunnelFixture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static dev.portway.server.testkit.TunnelFixture.port;
import static dev.portway.server.testkit.TunnelFixture.tcp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROXY protocol end to end: headers from a trusted front proxy give the real peer, headers from anyone else close
 * the connection, and a tunnel with {@code proxyProtocol: v2} hands the real peer to its local service.
 */
@Timeout(120)
class ProxyProtocolIT {
    private static final String LOOPBACK_TRUSTED = "127.0.0.0/8";
    private static final String LOOPBACK_UNTRUSTED = "10.0.0.0/8";

    private TunnelFixture fixture;
    private RecordingService service;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        service = new RecordingService();
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
        service.close();
    }

    /** Starts the server trusting {@code cidr} and a client whose tunnel writes v2 headers; returns the public port. */
    private int start(String cidr) throws Exception {
        ServerConfig config = fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                .withProxyProtocol(new ProxyProtocolConfig(List.of(cidr)));
        fixture.startServer(config);
        TunnelConfig tunnel = tcp("svc", service.port(), 0).withProxyProtocol(ProxyProtocolVersion.V2);
        TunnelResult.Status status = fixture.connect("c1", new RecordingEvents(), tunnel).get(0);
        assertThat(status.accepted()).as(status.reason()).isTrue();
        return port(status);
    }

    /** Starts the server with a public HTTP port trusting {@code cidr}, and an http tunnel to a backend. */
    private int startHttp(String cidr, HttpBackend backend) throws Exception {
        int httpPort = TunnelFixture.freePort();
        ServerConfig config = fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                .withProxyProtocol(new ProxyProtocolConfig(List.of(cidr)))
                .withHttp(new HttpConfig("tunnel.test", httpPort, 0));
        fixture.startServer(config);
        TunnelConfig tunnel = new TunnelConfig("web", TunnelType.HTTP, new HostPort("127.0.0.1", backend.port()), 0,
                new HttpOptions("app", null, null, null, null, null, null, null), null);
        TunnelResult.Status status = fixture.connect("c1", new RecordingEvents(), tunnel).get(0);
        assertThat(status.accepted()).as(status.reason()).isTrue();
        return httpPort;
    }

    @Test
    void theHttpListenerForwardsThePeerOfATrustedHeaderAndAnswers400ToAnyoneElse() throws Exception {
        String request = "PROXY TCP4 203.0.113.7 198.51.100.2 40000 80\r\n" + HttpWire.get("app.tunnel.test", "/");
        try (HttpBackend backend = new HttpBackend("one")) {
            int trustedPort = startHttp(LOOPBACK_TRUSTED, backend);
            try (HttpWire wire = new HttpWire(trustedPort)) {
                HttpWire.Response response = wire.exchange(request);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.text()).contains("X-Forwarded-For: 203.0.113.7", "X-Real-IP: 203.0.113.7");
            }
            fixture.close();
            fixture = new TunnelFixture();
            int untrustedPort = startHttp(LOOPBACK_UNTRUSTED, backend);
            try (HttpWire wire = new HttpWire(untrustedPort)) {
                assertThat(wire.exchange(request).status()).isEqualTo(400);
            }
        }
    }

    @Test
    void aV1HeaderFromATrustedProxyGivesTheRealPeer() throws Exception {
        int publicPort = start(LOOPBACK_TRUSTED);

        send(publicPort, "PROXY TCP4 203.0.113.7 198.51.100.2 40000 443\r\nhello".getBytes(StandardCharsets.US_ASCII));

        Received received = Received.parse(service.nextConnection());
        assertThat(received.header.protocolVersion()).isEqualTo(HAProxyProtocolVersion.V2);
        assertThat(received.source()).isEqualTo("203.0.113.7:40000");
        assertThat(received.destination()).isEqualTo("198.51.100.2:443");
        assertThat(received.rest).isEqualTo("hello");
    }

    @Test
    void aV2HeaderFromATrustedProxyGivesTheRealPeer() throws Exception {
        int publicPort = start(LOOPBACK_TRUSTED);
        byte[] header = encode(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY,
                HAProxyProxiedProtocol.TCP4, "192.0.2.55", "198.51.100.9", 51000, 8443));

        send(publicPort, concat(header, "data after a binary header".getBytes(StandardCharsets.US_ASCII)));

        Received received = Received.parse(service.nextConnection());
        assertThat(received.source()).isEqualTo("192.0.2.55:51000");
        assertThat(received.destination()).isEqualTo("198.51.100.9:8443");
        assertThat(received.rest).isEqualTo("data after a binary header");
    }

    @Test
    void aHeaderFromAnUntrustedAddressClosesTheConnectionAndReachesNobody() throws Exception {
        int publicPort = start(LOOPBACK_UNTRUSTED);

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), publicPort)) {
            socket.setSoTimeout((int) TunnelFixture.WAIT.toMillis());
            socket.getOutputStream().write("PROXY TCP4 203.0.113.7 198.51.100.2 40000 443\r\nforged"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readToEnd(socket.getInputStream())).isEmpty();
        }
        // The stream opens before the first bytes arrive, so the service may see a connection: only the header the
        // client writes itself, never a byte of the forged one.
        var local = service.connectionWithin(2000);
        if (local != null) {
            assertThat(new String(local.get(), StandardCharsets.ISO_8859_1)).doesNotContain("PROXY", "forged");
        }
    }

    @Test
    void aTrustedProxyThatSendsNoHeaderIsClosed() throws Exception {
        int publicPort = start(LOOPBACK_TRUSTED);

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), publicPort)) {
            socket.setSoTimeout((int) TunnelFixture.WAIT.toMillis());
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readToEnd(socket.getInputStream())).isEmpty();
        }
        assertThat(service.connectionWithin(1000)).isNull();
    }

    @Test
    void aDirectPeerReachesTheLocalServiceBehindAV2HeaderNamingIt() throws Exception {
        int publicPort = start(LOOPBACK_UNTRUSTED);

        int clientPort = send(publicPort, "plain bytes".getBytes(StandardCharsets.US_ASCII));

        Received received = Received.parse(service.nextConnection());
        assertThat(received.header.protocolVersion()).isEqualTo(HAProxyProtocolVersion.V2);
        assertThat(received.source()).isEqualTo("127.0.0.1:" + clientPort);
        assertThat(received.destination()).isEqualTo("127.0.0.1:" + publicPort);
        assertThat(received.rest).isEqualTo("plain bytes");
    }

    /** Writes {@code bytes}, half-closes and waits for the tunnel's end; returns the local port used. */
    private static int send(int publicPort, byte[] bytes) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), publicPort)) {
            socket.setSoTimeout((int) TunnelFixture.WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            socket.shutdownOutput();
            readToEnd(socket.getInputStream());
            return socket.getLocalPort();
        }
    }

    private static byte[] readToEnd(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException reset) {
            return new byte[0];
        }
    }

    private static byte[] encode(HAProxyMessage message) {
        EmbeddedChannel channel = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        channel.writeOutbound(message);
        ByteBuf encoded = channel.readOutbound();
        try {
            return ByteBufUtil.getBytes(encoded);
        } finally {
            encoded.release();
            channel.finishAndReleaseAll();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** What the local service got: the PROXY header, read by Netty's own decoder, and the bytes after it. */
    private record Received(HAProxyMessage header, String rest) {
        static Received parse(byte[] bytes) {
            assertThat(bytes).as("a connection reached the local service").isNotNull();
            EmbeddedChannel channel = new EmbeddedChannel(new HAProxyMessageDecoder());
            try {
                channel.writeInbound(Unpooled.wrappedBuffer(bytes));
                HAProxyMessage header = channel.readInbound();
                assertThat(header).as("a PROXY header").isNotNull();
                StringBuilder rest = new StringBuilder();
                ByteBuf chunk;
                while ((chunk = channel.readInbound()) != null) {
                    rest.append(chunk.toString(StandardCharsets.US_ASCII));
                    chunk.release();
                }
                header.release();
                return new Received(header, rest.toString());
            } finally {
                channel.finishAndReleaseAll();
            }
        }

        String source() {
            return header.sourceAddress() + ":" + header.sourcePort();
        }

        String destination() {
            return header.destinationAddress() + ":" + header.destinationPort();
        }
    }
}
