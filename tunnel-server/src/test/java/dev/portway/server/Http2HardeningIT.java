package dev.portway.server;

import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.Http2Config;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.testkit.RawHttp2Peer;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.Scrape;
import dev.portway.server.testkit.TunnelFixture;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile HTTP/2 peers against the plain port with prior knowledge: each abuse is refused with the error code RFC 9113
 * (or the CVE's fix) calls for, and counted by reason in {@code portway_http2_refused_total}. Requests go to a
 * tunnel whose local service accepts and never answers, so that their streams stay open as long as the peer wants.
 */
@Timeout(90)
class Http2HardeningIT {
    private static final String HOST = "stall.example.test";
    private static final int MAX_RESETS = 20;
    private static final int MAX_STREAMS = 2;
    private static final int MAX_CONTROL_FRAMES = 100;
    private static final int MAX_HEADER_SIZE = 4096;

    private TunnelFixture fixture;
    private ServerSocket stalling;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private int port;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        stalling = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread accepter = new Thread(() -> {
            while (!stalling.isClosed()) {
                try {
                    held.add(stalling.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }, "stalling-service");
        accepter.setDaemon(true);
        accepter.start();
        port = TunnelFixture.freePort();
        HttpConfig http = new HttpConfig(null, port, 0)
                .withLimits(MAX_HEADER_SIZE, HttpConfig.DEFAULT_REQUEST_HEADER_TIMEOUT, HttpConfig.DEFAULT_IDLE_TIMEOUT,
                        HttpConfig.DEFAULT_RESPONSE_TIMEOUT)
                .withHttp2(new Http2Config(true, MAX_STREAMS, 65_535, MAX_RESETS, Duration.ofSeconds(30),
                        MAX_CONTROL_FRAMES));
        ServerConfig config = fixture.serverConfig(0, Duration.ofSeconds(10), 3).withHttp(http);
        fixture.startServer(config);
        TunnelConfig tunnel = new TunnelConfig("stall", TunnelType.HTTP, new HostPort("127.0.0.1",
                stalling.getLocalPort()), 0, new HttpOptions(null, List.of(HOST), null, null, null, null, null, null),
                null);
        for (TunnelResult.Status status : fixture.connect("c1", new RecordingEvents(), tunnel)) {
            assertThat(status.accepted()).isTrue();
        }
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
        stalling.close();
        for (Socket socket : held) {
            socket.close();
        }
    }

    @Test
    void rapidResetIsAnsweredWithGoAwayEnhanceYourCalm() throws Exception {
        try (RawHttp2Peer peer = new RawHttp2Peer(port, 0)) {
            // Each stream a request the server starts to serve, cancelled at once (CVE-2023-44487).
            for (int i = 0; i < MAX_RESETS * 3; i++) {
                int stream = 1 + 2 * i;
                peer.headers(stream, RawHttp2Peer.get(HOST, "/", Map.of()), false);
                peer.frame(RawHttp2Peer.RST_STREAM, 0, stream, RawHttp2Peer.rstStream(Http2Error.CANCEL.code()));
            }
            assertGoAway(peer, Http2Error.ENHANCE_YOUR_CALM);
        }
        assertRefused("rapid_reset");
    }

    @Test
    void aContinuationFloodIsAnsweredWithGoAway() throws Exception {
        try (RawHttp2Peer peer = new RawHttp2Peer(port, 0)) {
            byte[] block = peer.block(1, RawHttp2Peer.get(HOST, "/", Map.of()));
            // The block's first byte opens it; the rest never ends, a byte (or none) at a time.
            peer.frame(RawHttp2Peer.HEADERS, 0, 1, new byte[]{block[0]});
            ByteArrayOutputStream flood = new ByteArrayOutputStream();
            for (int i = 0; i < 10_000; i++) {
                flood.writeBytes(RawHttp2Peer.encode(RawHttp2Peer.CONTINUATION, 0, 1, new byte[0]));
            }
            writeIgnoringReset(peer, flood.toByteArray());
            assertGoAway(peer, Http2Error.ENHANCE_YOUR_CALM);
        }
        assertRefused("continuation_flood");
    }

    @Test
    void aPeerThatFloodsPingsAndSettingsWithoutReadingIsCut() throws Exception {
        try (RawHttp2Peer peer = new RawHttp2Peer(port, 4096)) {
            // Each PING and SETTINGS wants an answer; a peer that reads none fills the server's socket, then its queue.
            byte[] ping = RawHttp2Peer.encode(RawHttp2Peer.PING, 0, 0, new byte[8]);
            byte[] settings = RawHttp2Peer.encode(RawHttp2Peer.SETTINGS, 0, 0, new byte[0]);
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            for (int i = 0; i < 1000; i++) {
                batch.writeBytes(i % 2 == 0 ? ping : settings);
            }
            byte[] bytes = batch.toByteArray();
            boolean cut = false;
            for (int i = 0; i < 2000 && !cut; i++) {
                cut = !writeIgnoringReset(peer, bytes);
            }
            assertThat(cut).as("the server closed the connection").isTrue();
        }
        assertRefused("control_flood");
    }

    @Test
    void aHeaderListAboveTheLimitIsRefused() throws Exception {
        try (RawHttp2Peer peer = new RawHttp2Peer(port, 0)) {
            // Just above the limit: the block is still decoded (HPACK state stays in step), the stream refused.
            peer.headers(1, RawHttp2Peer.get(HOST, "/", Map.of("x-big", "a".repeat(MAX_HEADER_SIZE))), true);
            RawHttp2Peer.Outcome first = peer.readOutcome(1);
            assertThat(first.statuses()).containsExactly(Map.entry(1, "431"));
            // Far above it: the connection goes.
            Http2Headers big = RawHttp2Peer.get(HOST, "/", Map.of("x-big", "a".repeat(MAX_HEADER_SIZE * 4)));
            peer.headers(3, big, true);
            assertGoAway(peer, Http2Error.PROTOCOL_ERROR);
        }
        assertRefused("header_list_size");
    }

    @Test
    void streamsBeyondTheConcurrencyLimitAreRefused() throws Exception {
        try (RawHttp2Peer peer = new RawHttp2Peer(port, 0)) {
            for (int i = 0; i <= MAX_STREAMS; i++) {
                peer.headers(1 + 2 * i, RawHttp2Peer.get(HOST, "/", Map.of()), false);
            }
            RawHttp2Peer.Outcome outcome = peer.readOutcome(1);
            assertThat(outcome.resets()).containsExactly(Map.entry(1 + 2 * MAX_STREAMS,
                    Http2Error.REFUSED_STREAM.code()));
            assertThat(outcome.goAway()).isNull();
        }
        assertRefused("concurrent_streams");
    }

    @Test
    void dataBeyondTheStreamWindowIsAFlowControlError() throws Exception {
        try (RawHttp2Peer peer = new RawHttp2Peer(port, 0)) {
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            burst.writeBytes(RawHttp2Peer.encode(RawHttp2Peer.HEADERS, RawHttp2Peer.END_HEADERS, 1,
                    peer.block(1, RawHttp2Peer.get(HOST, "/upload", Map.of()).method("POST"))));
            // 64 KiB of window, 144 KiB sent at once: the local service has not taken a byte of it yet.
            for (int i = 0; i < 9; i++) {
                burst.writeBytes(RawHttp2Peer.encode(RawHttp2Peer.DATA, 0, 1, new byte[16_384]));
            }
            writeIgnoringReset(peer, burst.toByteArray());
            RawHttp2Peer.Outcome outcome = peer.readOutcome(1);
            assertThat(outcome.resets().get(1) != null ? outcome.resets().get(1) : outcome.goAway())
                    .isEqualTo(Http2Error.FLOW_CONTROL_ERROR.code());
        }
        assertRefused("flow_control");
    }

    /** Reads until the server's GOAWAY, which must carry {@code error}. */
    private static void assertGoAway(RawHttp2Peer peer, Http2Error error) throws Exception {
        assertThat(peer.readOutcome(Integer.MAX_VALUE).goAway()).isEqualTo(error.code());
    }

    /** False when the server closed the connection meanwhile, which is what a flood test waits for. */
    private static boolean writeIgnoringReset(RawHttp2Peer peer, byte[] bytes) {
        try {
            peer.write(bytes);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void assertRefused(String reason) throws Exception {
        String series = "portway_http2_refused_total{reason=\"" + reason + "\"}";
        Scrape scrape = Scrape.until(fixture.server().adminAddress(), s -> s.value(series) != null
                && s.value(series) >= 1.0);
        assertThat(scrape.value(series)).isEqualTo(1.0);
    }
}
