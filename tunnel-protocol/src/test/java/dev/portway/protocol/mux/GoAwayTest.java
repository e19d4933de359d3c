package dev.portway.protocol.mux;

import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.frame.FrameType;
import dev.portway.testkit.Wire;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A graceful stop loses nothing: an OPEN that crosses the GOAWAY on the wire is refused (so its opener can try
 * elsewhere), and the side going away learns when closing the carrier can no longer cut such an OPEN short.
 */
class GoAwayTest {

    @Test
    void anOpenThatCrossesTheGoAwayIsRefusedNotLost() {
        MuxPair pair = new MuxPair();
        RecordingHandler atServer = new RecordingHandler(true);
        // Both are written before either side has read anything: the OPEN and the GOAWAY cross on the wire.
        Future<TunnelStream> opened = pair.server.openStream(new OpenStream("web", "198.51.100.1:5555"), atServer);
        Future<Void> drained = pair.client.goAway(ErrorCode.SHUTTING_DOWN, "client shutting down");
        assertThat(opened.isSuccess()).isTrue();
        // No stream is open at the client, yet closing now would lose the OPEN in flight.
        assertThat(pair.client.openStreams()).isZero();
        assertThat(drained.isDone()).isFalse();

        pair.pump();

        assertThat(pair.clientListener.accepted).isEmpty();
        assertThat(atServer.resets).isEqualTo(1);
        assertThat(atServer.resetCode).isEqualTo(ErrorCode.REFUSED_STREAM);
        assertThat(opened.getNow().closeFuture().cause()).isInstanceOfSatisfying(StreamResetException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED_STREAM));
        assertThat(drained.isSuccess()).isTrue();

        // What the client does next: close. The stream ended refused, not with the connection.
        pair.client.close(ErrorCode.SHUTTING_DOWN, "client stopped");
        pair.pump();
        assertThat(pair.clientChannel.isOpen()).isFalse();
        assertThat(atServer.resets).isEqualTo(1);
        assertThat(atServer.resetCode).isEqualTo(ErrorCode.REFUSED_STREAM);
        pair.finish();
    }

    @Test
    void theSideGoingAwayIsDrainedOnlyOnceItsLastStreamHasEnded() {
        MuxPair pair = new MuxPair();
        RecordingHandler atServer = new RecordingHandler(true);
        TunnelStream atServerSide = pair.open(pair.server, "web", atServer);
        TunnelStream atClientSide = pair.clientListener.accepted.get(atServerSide.id());

        Future<Void> drained = pair.client.goAway(ErrorCode.SHUTTING_DOWN, "client shutting down");
        pair.pump();
        assertThat(drained.isDone()).isFalse();
        // The open stream still carries bytes both ways.
        atServerSide.write(Unpooled.wrappedBuffer(new byte[] {7}));
        pair.pump();
        assertThat(pair.clientListener.handlers.get(atClientSide.id()).received()).containsExactly(7);

        atServerSide.finish();
        atClientSide.finish();
        pair.pump();
        assertThat(drained.isSuccess()).isTrue();
        pair.finish();
    }

    @Test
    void theSideGoingAwayOpensNoStreamEvenBeforeTheAnswer() {
        MuxPair pair = new MuxPair();
        pair.client.goAway(ErrorCode.SHUTTING_DOWN, "client shutting down");
        Future<TunnelStream> refused = pair.client.openStream(new OpenStream("late", null), new RecordingHandler(true));
        pair.pump();
        assertThat(refused.cause()).isInstanceOfSatisfying(StreamResetException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED_STREAM));
        assertThat(pair.server.openStreams()).isZero();
        pair.finish();
    }

    @Test
    void theReceiverAnswersOnceAndThenNeitherSideOpensAStream() {
        MuxPair pair = new MuxPair();
        pair.client.goAway(ErrorCode.SHUTTING_DOWN, "client shutting down");
        pair.pump();

        assertThat(pair.serverListener.goAways).singleElement()
                .satisfies(g -> assertThat(g.errorCode()).isEqualTo(ErrorCode.SHUTTING_DOWN));
        assertThat(pair.clientListener.goAways).singleElement()
                .satisfies(g -> assertThat(g.errorCode()).isEqualTo(ErrorCode.NO_ERROR));
        for (TunnelSession side : List.of(pair.client, pair.server)) {
            Future<TunnelStream> refused = side.openStream(new OpenStream("late", null), new RecordingHandler(true));
            pair.pump();
            assertThat(refused.cause()).isInstanceOfSatisfying(StreamResetException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED_STREAM));
        }
        assertThat(pair.clientChannel.isOpen()).isTrue();
        pair.finish();
    }

    @Test
    void goAwaysSentAtOnceByBothSidesCountAsEachOthersAnswer() {
        MuxPair pair = new MuxPair();
        Future<Void> clientDrained = pair.client.goAway(ErrorCode.SHUTTING_DOWN, "client shutting down");
        Future<Void> serverDrained = pair.server.goAway(ErrorCode.SHUTTING_DOWN, "server shutting down");
        pair.pump();

        assertThat(clientDrained.isSuccess()).isTrue();
        assertThat(serverDrained.isSuccess()).isTrue();
        assertThat(pair.clientListener.goAways).hasSize(1);
        assertThat(pair.serverListener.goAways).hasSize(1);
        pair.finish();
    }

    @Test
    void aPeerWithoutTheCapabilityIsNotWaitedFor() {
        // Wire.hello() announces no capabilities, as a peer from before GOAWAY was answered.
        DrivenSession server = DrivenSession.helloedServer();
        Future<Void> drained = server.session.goAway(ErrorCode.SHUTTING_DOWN, "server shutting down");
        server.channel.runPendingTasks();
        assertThat(drained.isSuccess()).isTrue();

        // An OPEN it sent before it saw the GOAWAY is still refused, not served and not dropped.
        server.feed(Wire.open(1, "web"));
        List<SentFrame> sent = server.sent();
        assertThat(sent).extracting(SentFrame::type).containsExactly(FrameType.GOAWAY, FrameType.RST);
        assertThat(sent.get(1).streamId()).isEqualTo(1);
        assertThat(ErrorCode.of(sent.get(1).intPayload())).isEqualTo(ErrorCode.REFUSED_STREAM);
        assertThat(server.listener.accepted).isEmpty();
        server.channel.checkException();
        assertFalse(server.channel.finishAndReleaseAll());
    }
}
