package dev.portway.server.endings;

import dev.portway.server.endings.HttpSocketPeer.Body;
import dev.portway.server.endings.HttpSocketPeer.Ending;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endings contract for an upgraded connection (a WebSocket after its {@code 101}), which an http tunnel relays as
 * raw bytes both ways: either side may half-close first and still receive everything the other sends, then FIN;
 * a reset on either side reaches the other as RST.
 */
@Timeout(120)
class WebSocketEndingsIT {
    private static final long UP = (4L << 20) + 12_345;
    private static final long DOWN = (4L << 20) + 54_321;
    private static final long WAIT_SECONDS = 20;

    private static HttpTunnelRig rig;

    @BeforeAll
    static void startRig() throws Exception {
        rig = new HttpTunnelRig();
    }

    @AfterAll
    static void stopRig() throws Exception {
        rig.close();
    }

    @Test
    void thePublicPeerHalfClosesFirstAndStillGetsEveryByteThenFin() throws Exception {
        CompletableFuture<Body> upstream = new CompletableFuture<>();
        rig.service.onUpgrade(local -> {
            upstream.complete(local.readUntilEnd());
            local.sendPattern(2, DOWN);
        });
        try (HttpSocketPeer user = upgrade()) {
            user.sendPattern(1, UP);
            user.halfClose();
            assertThat(user.readUntilEnd()).isEqualTo(Body.of(2, DOWN));
        }
        assertThat(upstream.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(Body.of(1, UP));
    }

    @Test
    void theLocalServiceHalfClosesFirstAndStillGetsEveryByteThenFin() throws Exception {
        CompletableFuture<Body> upstream = new CompletableFuture<>();
        rig.service.onUpgrade(local -> {
            local.sendPattern(2, DOWN);
            local.halfClose();
            upstream.complete(local.readUntilEnd());
        });
        try (HttpSocketPeer user = upgrade()) {
            assertThat(user.readUntilEnd()).isEqualTo(Body.of(2, DOWN));
            user.sendPattern(1, UP);
            user.halfClose();
            assertThat(upstream.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(Body.of(1, UP));
            assertThat(user.readEnding()).isEqualTo(new HttpSocketPeer.Outcome(Ending.FIN, 0));
        }
    }

    @Test
    void aPublicResetReachesTheLocalServiceAsRst() throws Exception {
        CompletableFuture<Ending> localSaw = new CompletableFuture<>();
        rig.service.onUpgrade(local -> localSaw.complete(endingOf(local)));
        try (HttpSocketPeer user = upgrade()) {
            user.sendPattern(1, UP, 1 << 20);
            user.abort();
        }
        assertThat(localSaw.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(Ending.RST);
    }

    @Test
    void aLocalResetReachesThePublicPeerAsRst() throws Exception {
        rig.service.onUpgrade(local -> {
            local.sendPattern(2, DOWN, 1 << 20);
            local.abort();
        });
        try (HttpSocketPeer user = upgrade()) {
            assertThat(user.readEnding().ending()).isEqualTo(Ending.RST);
        }
    }

    /** A public connection upgraded through the tunnel: its {@code 101} has been read. */
    private static HttpSocketPeer upgrade() throws IOException {
        HttpSocketPeer user = rig.connect();
        user.send("GET /chat HTTP/1.1\r\nHost: " + HttpTunnelRig.HOST + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertThat(user.readHead()).startsWith("HTTP/1.1 101");
        return user;
    }

    private static Ending endingOf(HttpSocketPeer local) throws IOException {
        try {
            local.readUntilEnd();
            return Ending.FIN;
        } catch (SocketException e) {
            return Ending.RST;
        }
    }
}
