package dev.portway.server.endings;

import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.GroupOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.endings.Peer.Ending;
import dev.portway.server.endings.Peer.Received;
import dev.portway.server.endings.Peer.Sent;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.portway.server.testkit.TunnelFixture.port;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endings table of docs/protocol.md ("How streams end") over real sockets, a real server and real clients, for the
 * tunnel types that relay a socket as it is: a plain tcp tunnel and a tcp load-balancing group. Each case checks the
 * SHA-256 and count of what each side received and how each side's input ended.
 */
@Timeout(60)
class TcpEndingsIT {
    static final long BIG = 16L * 1024 * 1024 + 4321;
    private static TunnelFixture fixture;
    private static ScriptedService service;
    private static Map<Kind, Integer> ports;

    /** The tunnel types under test. */
    enum Kind { TCP, GROUP }

    @BeforeAll
    static void start() throws Exception {
        fixture = new TunnelFixture();
        service = new ScriptedService();
        fixture.startServer();
        HostPort local = new HostPort("127.0.0.1", service.port());
        List<TunnelResult.Status> plain = fixture.connect("plain", new RecordingEvents(),
                new TunnelConfig("plain", TunnelType.TCP, local, 0));
        GroupOptions group = new GroupOptions("grp", "group-secret-key", "round-robin");
        int groupPort = 0;
        for (String member : List.of("m1", "m2")) {
            TunnelResult.Status joined = fixture.connect(member, new RecordingEvents(),
                    new TunnelConfig("grp", TunnelType.TCP, local, groupPort, null, group)).get(0);
            assertThat(joined.accepted()).as(joined.reason()).isTrue();
            groupPort = port(joined);
        }
        ports = Map.of(Kind.TCP, port(plain.get(0)), Kind.GROUP, groupPort);
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
        fixture.close();
    }

    static Stream<Arguments> normalEndings() {
        List<Arguments> cases = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            for (Scenario scenario : List.of(Scenario.PUBLIC_FIRST, Scenario.LOCAL_FIRST, Scenario.BOTH_AT_ONCE,
                    Scenario.FULL_CLOSE)) {
                for (long size : new long[] {0, 1, 65535, BIG}) {
                    cases.add(Arguments.of(kind, scenario, size));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} bytes each way")
    @MethodSource("normalEndings")
    void aNormalEndingDeliversEveryByteAndEndsBothSidesWithFin(Kind kind, Scenario scenario, long size) throws Exception {
        Outcome outcome = scenario.run(Peer.connect(ports.get(kind)), service, size, size * 31 + scenario.ordinal());
        outcome.assertComplete();
    }

    @ParameterizedTest(name = "{0} RST from the {1} side mid-transfer")
    @MethodSource("cuts")
    void aResetOnEitherSideResetsTheOther(Kind kind, Cut cut) throws Exception {
        Peer publicPeer = Peer.connect(ports.get(kind));
        cut.run(publicPeer, service.next(), BIG, 99);
    }

    static Stream<Arguments> cuts() {
        return Stream.of(Kind.values()).flatMap(kind -> Stream.of(Cut.values()).map(cut -> Arguments.of(kind, cut)));
    }

    @Test
    void aSlowReaderThatHalfClosesFirstGetsEveryByteTwentyTimesOutOfTwenty() throws Exception {
        for (int run = 0; run < 20; run++) {
            Peer publicPeer = Peer.connectSlowReader(ports.get(Kind.TCP), 4L * 1024 * 1024);
            publicPeer.halfClose();
            Peer local = service.next();
            assertThat(local.received(20, TimeUnit.SECONDS)).isEqualTo(nothing());
            Sent sent = local.send(32L * 1024 * 1024, run);
            local.fullClose();
            Received got = publicPeer.received(30, TimeUnit.SECONDS);
            assertThat(got).as("run %d", run).isEqualTo(new Received(sent.bytes(), sent.sha256(), Ending.FIN));
            publicPeer.close();
        }
    }

    static void awaitRead(Peer peer, long bytes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (peer.readSoFar() < bytes) {
            assertThat(System.nanoTime()).as("%d bytes read in time", bytes).isLessThan(deadline);
            Thread.sleep(2);
        }
    }

    static Received nothing() {
        return new Received(0, Peer.sha256Hex(new byte[0]), Ending.FIN);
    }
}
