package dev.portway.server.endings;

import dev.portway.client.TunnelClient;
import dev.portway.client.config.ClientConfig;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.GroupOptions;
import dev.portway.protocol.control.TunnelType;
import dev.portway.client.tls.ClientTlsContexts;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.server.endings.Peer.Ending;
import dev.portway.server.testkit.FreezableRelay;
import dev.portway.server.testkit.JavaProcess;
import dev.portway.server.testkit.Processes;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.portway.server.endings.TcpEndingsIT.BIG;
import static dev.portway.server.endings.TcpEndingsIT.awaitRead;
import static dev.portway.server.testkit.TunnelFixture.WAIT;
import static dev.portway.server.testkit.TunnelFixture.port;
import static dev.portway.server.testkit.TunnelFixture.tcp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rows of the endings table where the carrier goes, not a socket: a client or server process killed (kill -9, as
 * separate JVMs), and a carrier that goes silent. Every socket Portway still holds must end with RST, so its peer
 * cannot take a cut transfer for a whole one.
 */
@Timeout(90)
class CarrierEndingsIT {
    private TunnelFixture fixture;
    private ScriptedService service;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        service = new ScriptedService();
    }

    @AfterEach
    void tearDown() throws Exception {
        service.close();
        fixture.close();
    }

    @Test
    void aKilledClientProcessResetsThePublicPeerMidDownload() throws Exception {
        fixture.startServer();
        int publicPort = TunnelFixture.freePort();
        try (JavaProcess client = Processes.client(fixture, "download", service.port(), publicPort)) {
            client.awaitLine("download", WAIT);
            Peer publicPeer = Peer.connect(publicPort);
            Peer local = service.next();
            local.sendAsync(BIG, 1);
            awaitRead(publicPeer, 1024 * 1024);

            client.kill();

            assertThat(publicPeer.received(30, TimeUnit.SECONDS).ending()).isEqualTo(Ending.RST);
            publicPeer.close();
            local.close();
        }
    }

    @Test
    void aGroupWhoseEveryMemberCannotReachItsServiceResetsThePublicPeer() throws Exception {
        fixture.startServer();
        int dead = TunnelFixture.freePort();
        GroupOptions group = new GroupOptions("dead", "group-secret-key", "round-robin");
        int port = 0;
        for (String member : List.of("d1", "d2")) {
            TunnelResult.Status joined = fixture.connect(member, new RecordingEvents(),
                    new TunnelConfig("dead", TunnelType.TCP, new HostPort("127.0.0.1", dead), port, null, group)).get(0);
            port = port(joined);
        }
        Peer publicPeer = Peer.connect(port);
        publicPeer.send(10, 1);
        // Every member was tried and failed: a reset, as on a plain tunnel, not an empty answer ending in FIN.
        assertThat(publicPeer.received(30, TimeUnit.SECONDS).ending()).isEqualTo(Ending.RST);
        publicPeer.close();
    }

    @Test
    void aKilledServerProcessResetsTheLocalServiceMidUpload() throws Exception {
        int control = TunnelFixture.freePort();
        try (JavaProcess server = Processes.server(control)) {
            String fingerprint = server.awaitLine("TLS certificate fingerprint: ", WAIT)
                    .substring("TLS certificate fingerprint: sha256:".length());
            ClientConfig config = TunnelFixture.clientConfig(control, fingerprint, TunnelFixture.TOKEN,
                    List.of(tcp("upload", service.port(), 0)), Duration.ofSeconds(10));
            RecordingEvents events = new RecordingEvents();
            try (TunnelClient client = new TunnelClient(config, "uploader", ClientTlsContexts.create(config.tls()), events)) {
                client.start();
                int publicPort = port(events.nextRegistration(WAIT).get(0));
                Peer publicPeer = Peer.connect(publicPort);
                Peer local = service.next();
                publicPeer.sendAsync(BIG, 2);
                awaitRead(local, 1024 * 1024);

                server.kill();

                assertThat(local.received(30, TimeUnit.SECONDS).ending()).isEqualTo(Ending.RST);
                publicPeer.close();
                local.close();
            }
        }
    }

    @Test
    void aSilentCarrierResetsBothSidesAndTheTakenOverPortCarriesWholeStreamsAgain() throws Exception {
        fixture.startServer();
        try (FreezableRelay relay = new FreezableRelay(fixture.controlAddress())) {
            RecordingEvents events = new RecordingEvents();
            fixture.startClient(fixture.clientConfig(relay.port(), TunnelFixture.TOKEN,
                    List.of(tcp("roaming", service.port(), 0)), Duration.ofMillis(500)), "roaming", events);
            int publicPort = port(events.nextRegistration(WAIT).get(0));
            Peer publicPeer = Peer.connect(publicPort);
            Peer local = service.next();
            local.sendAsync(BIG, 3);
            publicPeer.sendAsync(BIG, 4);
            awaitRead(publicPeer, 1024 * 1024);
            awaitRead(local, 1024 * 1024);

            relay.freezeExisting();

            // The client notices the silence after 3 missed pings (1.5 s) and resets its side; its reconnect takes the
            // session over, which resets the server's side long before the server's own 30 s would.
            assertThat(local.received(30, TimeUnit.SECONDS).ending()).as("local service").isEqualTo(Ending.RST);
            assertThat(publicPeer.received(30, TimeUnit.SECONDS).ending()).as("public peer").isEqualTo(Ending.RST);
            publicPeer.close();
            local.close();

            List<TunnelResult.Status> again = events.nextRegistration(WAIT);
            assertThat(port(again.get(0))).isEqualTo(publicPort);
            // The port keeps the event loop it was bound on; the new carrier may run on another one.
            Scenario.BOTH_AT_ONCE.run(Peer.connect(publicPort), service, BIG, 5).assertComplete();
            Scenario.PUBLIC_FIRST.run(Peer.connect(publicPort), service, BIG, 6).assertComplete();
        }
    }
}
