package dev.portway.server.endings;

import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static dev.portway.server.endings.TcpEndingsIT.BIG;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endings table for https passthrough: the server routes a connection by the SNI name of its ClientHello and then
 * relays its bytes untouched, TLS or not. So each public peer here sends a real ClientHello first, which the local
 * service receives as the first bytes of the connection, and then the bytes of the ending under test.
 */
@Timeout(60)
class PassthroughEndingsIT {
    private static final String HOST = "secure.passthrough.test";
    private static TunnelFixture fixture;
    private static ScriptedService service;
    private static int httpsPort;
    private static byte[] clientHello;

    @BeforeAll
    static void start() throws Exception {
        fixture = new TunnelFixture();
        service = new ScriptedService();
        httpsPort = TunnelFixture.freePort();
        fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                .withHttp(new HttpConfig(null, 0, httpsPort).withHttps(httpsPort, List.of())));
        TunnelResult.Status status = fixture.connect("secure", new RecordingEvents(),
                new TunnelConfig("secure", TunnelType.HTTP, new HostPort("127.0.0.1", service.port()), 0,
                        new HttpOptions(null, List.of(HOST), null, null, null, null, null, "passthrough"), null)).get(0);
        assertThat(status.accepted()).as(status.reason()).isTrue();
        clientHello = clientHello(HOST);
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
        fixture.close();
    }

    /** The first TLS record a client sends to {@code host}, made by the JDK's own TLS engine. */
    private static byte[] clientHello(String host) throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine(host, 443);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(host)));
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        return Arrays.copyOf(out.array(), out.limit());
    }

    private static Peer connect() throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), httpsPort);
        socket.getOutputStream().write(clientHello);
        return new Peer(socket);
    }

    static Stream<Arguments> normalEndings() {
        List<Arguments> cases = new ArrayList<>();
        for (Scenario scenario : Scenario.values()) {
            for (long size : new long[] {0, 1, 65535, BIG}) {
                cases.add(Arguments.of(scenario, size));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} bytes each way after the ClientHello")
    @MethodSource("normalEndings")
    void aNormalEndingDeliversEveryByteAndEndsBothSidesWithFin(Scenario scenario, long size) throws Exception {
        Peer publicPeer = connect();
        scenario.run(publicPeer, service.nextAfter(clientHello), size, size + scenario.ordinal()).assertComplete();
    }

    @ParameterizedTest(name = "RST from the {0} side mid-transfer")
    @EnumSource(Cut.class)
    void aResetOnEitherSideResetsTheOther(Cut cut) throws Exception {
        Peer publicPeer = connect();
        cut.run(publicPeer, service.nextAfter(clientHello), BIG, 77);
    }
}
