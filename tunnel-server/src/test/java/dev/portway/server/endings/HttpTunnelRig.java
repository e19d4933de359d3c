package dev.portway.server.endings;

import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.testkit.FreezableRelay;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server with an http listener, one client whose carrier runs through a relay the test can cut, and an http tunnel
 * {@code app} to an {@link HttpLocalService}.
 */
final class HttpTunnelRig implements AutoCloseable {
    static final String HOST = "app.endings.test";

    final HttpLocalService service = new HttpLocalService();
    private final TunnelFixture fixture = new TunnelFixture();
    private final int httpPort = TunnelFixture.freePort();
    private FreezableRelay carrier;

    HttpTunnelRig() throws Exception {
        try {
            HttpConfig http = new HttpConfig("endings.test", httpPort, 0);
            ServerConfig config = fixture.serverConfig(0, Duration.ofSeconds(10), 3).withHttp(http);
            fixture.startServer(config);
            carrier = new FreezableRelay(fixture.controlAddress());
            TunnelConfig tunnel = new TunnelConfig("app", TunnelType.HTTP, new HostPort("127.0.0.1", service.port()), 0,
                    new HttpOptions("app", null, null, null, null, null, null, null), null);
            RecordingEvents events = new RecordingEvents();
            fixture.startClient(fixture.clientConfig(carrier.port(), TunnelFixture.TOKEN, List.of(tunnel),
                    Duration.ofSeconds(10)), "c1", events);
            List<TunnelResult.Status> statuses = events.nextRegistration(TunnelFixture.WAIT);
            assertThat(statuses.get(0).accepted()).as(statuses.get(0).reason()).isTrue();
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
    }

    /** A new public connection to the http listener. */
    HttpSocketPeer connect() throws IOException {
        return HttpSocketPeer.connect(httpPort);
    }

    /** The client's carrier is lost: the relay between client and server closes both of its sockets. */
    void cutCarrier() throws IOException {
        carrier.close();
    }

    @Override
    public void close() throws IOException {
        fixture.close();
        if (carrier != null) {
            carrier.close();
        }
        service.close();
    }
}
