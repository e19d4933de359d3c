package dev.portway.protocol.mux;

import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.relay.StreamSplice;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.Test;

import static dev.portway.protocol.mux.TunnelSessionTest.randomBytes;
import static dev.portway.protocol.mux.TunnelSessionTest.writeInRandomChunks;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two sessions joined by {@link StreamSplice}, as a node joins a stream another node forwarded to a stream of its own
 * client: the forwarding node's stream opens on {@code link}; the node that holds the client opens the second on
 * {@code client} for it. Bytes, FIN and RST cross unchanged, and the far end's window holds the near end back.
 */
class StreamSpliceTest {
    private static final int WINDOW = SessionSettings.DEFAULT_INITIAL_WINDOW;

    private final MuxPair link = new MuxPair();
    private final MuxPair client = new MuxPair();

    StreamSpliceTest() {
        link.serverListener.acceptor = forwarded -> {
            StreamSplice splice = new StreamSplice(forwarded);
            client.server.openStream(forwarded.open().towardsClient(), splice.second())
                    .addListener((Future<TunnelStream> opened) -> splice.attachSecond(opened.getNow()));
            return splice.first();
        };
    }

    /** Moves both sessions' bytes until neither has anything left to say. */
    private void pump() {
        for (int round = 0; round < 64; round++) {
            link.pump();
            client.pump();
        }
    }

    @Test
    void bytesAndFinCrossTheSpliceBothWays() {
        RecordingHandler atPublic = new RecordingHandler(true);
        TunnelStream publicSide = link.open(link.client, "web", atPublic);
        pump();
        TunnelStream clientSide = client.clientListener.accepted.values().iterator().next();
        RecordingHandler atClient = client.clientListener.handlers.get(clientSide.id());
        assertThat(clientSide.open().tunnel()).isEqualTo("web");
        assertThat(clientSide.open().session()).isNull();

        byte[] up = randomBytes(1, 5 * WINDOW + 321);
        byte[] down = randomBytes(2, 3 * WINDOW + 17);
        writeInRandomChunks(publicSide, up, 3);
        publicSide.finish();
        writeInRandomChunks(clientSide, down, 4);
        clientSide.finish();
        pump();

        assertThat(atClient.received()).isEqualTo(up);
        assertThat(atPublic.received()).isEqualTo(down);
        assertThat(atClient.finishes).isEqualTo(1);
        assertThat(atPublic.finishes).isEqualTo(1);
        assertThat(publicSide.closeFuture().isSuccess()).isTrue();
        assertThat(clientSide.closeFuture().isSuccess()).isTrue();
        link.finish();
        client.finish();
    }

    @Test
    void aClientThatReadsNothingHoldsTheForwardingSideToTheWindows() {
        client.clientListener.acceptor = stream -> new RecordingHandler(false);
        TunnelStream publicSide = link.open(link.client, "web", new RecordingHandler(true));
        pump();
        TunnelStream clientSide = client.clientListener.accepted.values().iterator().next();
        RecordingHandler atClient = client.clientListener.handlers.get(clientSide.id());

        byte[] up = randomBytes(5, 16 * WINDOW);
        writeInRandomChunks(publicSide, up, 6);
        publicSide.finish();
        pump();
        assertThat(atClient.heldBytes()).as("the client's window").isEqualTo(WINDOW);
        assertThat(link.server.openStreams()).isEqualTo(1);

        int taken = 0;
        while (taken < up.length) {
            int consumed = atClient.consumeAll();
            assertThat(consumed).as("at most a window at a time").isPositive().isLessThanOrEqualTo(WINDOW);
            taken += consumed;
            pump();
        }
        assertThat(atClient.received()).isEqualTo(up);
        assertThat(atClient.finishes).isEqualTo(1);
        clientSide.finish();
        pump();
        link.finish();
        client.finish();
    }

    @Test
    void aResetOnEitherSideResetsTheOtherWithItsCode() {
        RecordingHandler atPublic = new RecordingHandler(true);
        TunnelStream publicSide = link.open(link.client, "web", atPublic);
        pump();
        TunnelStream clientSide = client.clientListener.accepted.values().iterator().next();
        clientSide.reset(ErrorCode.CONNECT_FAILED, "local service refused");
        pump();
        assertThat(atPublic.resets).isEqualTo(1);
        assertThat(atPublic.resetCode).isEqualTo(ErrorCode.CONNECT_FAILED);

        RecordingHandler later = new RecordingHandler(true);
        TunnelStream second = link.open(link.client, "web", later);
        pump();
        TunnelStream secondAtClient = client.clientListener.accepted.get(clientSide.id() + 2);
        second.reset(ErrorCode.CANCEL, "public peer went away");
        pump();
        assertThat(client.clientListener.handlers.get(secondAtClient.id()).resetCode).isEqualTo(ErrorCode.CANCEL);
        assertThat(publicSide.closeFuture().isDone()).isTrue();
        link.finish();
        client.finish();
    }
}
