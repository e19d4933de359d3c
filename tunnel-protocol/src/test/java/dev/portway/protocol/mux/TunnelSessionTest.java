package dev.portway.protocol.mux;

import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.control.Auth;
import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.frame.FrameType;
import dev.portway.testkit.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.Test;

import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

class TunnelSessionTest {
    private static final int WINDOW = SessionSettings.DEFAULT_INITIAL_WINDOW;

    @Test
    void helloMakesBothSidesReady() {
        MuxPair pair = new MuxPair();
        assertThat(pair.clientListener.ready).isEqualTo(1);
        assertThat(pair.serverListener.ready).isEqualTo(1);
        assertThat(pair.server.peerHello().softwareVersion()).isEqualTo("client");
        assertThat(pair.client.peerHello().softwareVersion()).isEqualTo("server");
        pair.finish();
    }

    @Test
    void controlMessagesReachThePeersListener() {
        MuxPair pair = new MuxPair();
        pair.client.send(new Auth("token-abcdef", "laptop"));
        pair.pump();
        assertThat(pair.serverListener.controls).containsExactly(new Auth("token-abcdef", "laptop"));
        pair.finish();
    }

    @Test
    void clientOpensOddIdsAndServerOpensEvenIds() {
        MuxPair pair = new MuxPair();
        List<Integer> clientIds = new ArrayList<>();
        List<Integer> serverIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clientIds.add(pair.open(pair.client, "c" + i, new RecordingHandler(true)).id());
            serverIds.add(pair.open(pair.server, "s" + i, new RecordingHandler(true)).id());
        }
        assertThat(clientIds).containsExactly(1, 3, 5);
        assertThat(serverIds).containsExactly(2, 4, 6);
        assertThat(pair.serverListener.accepted).containsOnlyKeys(1, 3, 5);
        assertThat(pair.clientListener.accepted).containsOnlyKeys(2, 4, 6);
        assertThat(pair.serverListener.accepted.get(3).open()).isEqualTo(new OpenStream("c1", "198.51.100.1:5555"));
        pair.finish();
    }

    @Test
    void bytesFlowBothWaysAndFinDeliversEverythingSentBeforeIt() {
        MuxPair pair = new MuxPair();
        RecordingHandler atClient = new RecordingHandler(true);
        TunnelStream clientSide = pair.open(pair.client, "web", atClient);
        TunnelStream serverSide = pair.serverListener.accepted.get(clientSide.id());
        RecordingHandler atServer = pair.serverListener.handlers.get(clientSide.id());

        byte[] up = randomBytes(1, 3 * WINDOW + 12345);
        byte[] down = randomBytes(2, 2 * WINDOW + 7);
        writeInRandomChunks(clientSide, up, 11);
        clientSide.finish();
        writeInRandomChunks(serverSide, down, 12);
        serverSide.finish();
        pair.pump();

        assertThat(atServer.received()).isEqualTo(up);
        assertThat(atClient.received()).isEqualTo(down);
        assertThat(atServer.finishes).isEqualTo(1);
        assertThat(atClient.finishes).isEqualTo(1);
        assertThat(clientSide.closeFuture().isSuccess()).isTrue();
        assertThat(serverSide.closeFuture().isSuccess()).isTrue();
        assertThat(pair.client.openStreams()).isZero();
        assertThat(pair.server.openStreams()).isZero();
        pair.finish();
    }

    @Test
    void halfClosedStreamStillCarriesTheOtherDirection() {
        MuxPair pair = new MuxPair();
        RecordingHandler atClient = new RecordingHandler(true);
        TunnelStream clientSide = pair.open(pair.client, "web", atClient);
        clientSide.finish();
        pair.pump();
        TunnelStream serverSide = pair.serverListener.accepted.get(clientSide.id());
        assertThat(pair.serverListener.handlers.get(clientSide.id()).finishes).isEqualTo(1);

        serverSide.write(Unpooled.wrappedBuffer(new byte[] {4, 5, 6}));
        pair.pump();
        assertThat(atClient.received()).containsExactly(4, 5, 6);
        assertThat(clientSide.closeFuture().isDone()).isFalse();
        serverSide.finish();
        pair.pump();
        assertThat(clientSide.closeFuture().isSuccess()).isTrue();
        pair.finish();
    }

    @Test
    void senderStopsAtItsCreditUntilTheReceiverConsumes() {
        MuxPair pair = new MuxPair();
        pair.serverListener.acceptor = stream -> new RecordingHandler(false);
        TunnelStream clientSide = pair.open(pair.client, "bulk", new RecordingHandler(true));
        RecordingHandler atServer = pair.serverListener.handlers.get(clientSide.id());
        byte[] payload = randomBytes(3, 4 * WINDOW);
        clientSide.write(Unpooled.wrappedBuffer(payload));
        pair.pump();

        assertThat(atServer.heldBytes()).as("only the initial window arrives").isEqualTo(WINDOW);
        assertThat(pair.server.bufferedBytes(clientSide.id())).isEqualTo(WINDOW);
        List<Boolean> writableAfterCredit = new ArrayList<>();
        clientSide.whenWritable(() -> writableAfterCredit.add(true));
        assertThat(writableAfterCredit).as("no credit, so not writable").isEmpty();

        int delivered = 0;
        while (delivered < payload.length) {
            int consumed = atServer.consumeAll();
            assertThat(consumed).as("progress after %d bytes", delivered).isPositive();
            delivered += consumed;
            pair.pump();
            assertThat(pair.server.bufferedBytes(clientSide.id()))
                    .isLessThanOrEqualTo(pair.server.receiveWindow(clientSide.id()));
        }
        assertThat(atServer.received()).isEqualTo(payload);
        assertThat(writableAfterCredit).containsExactly(true);
        pair.finish();
    }

    @Test
    void resetDiscardsQueuedBytesAndIgnoresFramesAlreadyInFlight() {
        MuxPair pair = new MuxPair();
        pair.serverListener.acceptor = stream -> new RecordingHandler(false);
        RecordingHandler atClient = new RecordingHandler(true);
        TunnelStream clientSide = pair.open(pair.client, "web", atClient);
        RecordingHandler atServer = pair.serverListener.handlers.get(clientSide.id());
        TunnelStream serverSide = pair.serverListener.accepted.get(clientSide.id());
        clientSide.write(Unpooled.wrappedBuffer(new byte[2 * WINDOW]));
        pair.pump();
        assertThat(atServer.heldBytes()).isEqualTo(WINDOW);

        // The server writes while the client's RST is still on its way: those bytes must be dropped quietly.
        clientSide.reset(ErrorCode.CANCEL, "user went away");
        serverSide.write(Unpooled.wrappedBuffer(new byte[100]));
        pair.pump();

        assertThat(atServer.resets).isEqualTo(1);
        assertThat(atServer.resetCode).isEqualTo(ErrorCode.CANCEL);
        assertThat(atServer.resetReason).isEqualTo("user went away");
        assertThat(atServer.heldBytes()).as("held bytes are released on reset").isZero();
        assertThat(atClient.received()).isEmpty();
        assertThat(atClient.resets).as("the side that resets is not told about its own reset").isZero();
        assertThat(clientSide.closeFuture().cause()).isInstanceOf(StreamResetException.class);
        assertThat(serverSide.closeFuture().cause()).isInstanceOfSatisfying(StreamResetException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CANCEL));
        assertThat(pair.clientChannel.isOpen()).isTrue();
        assertThat(pair.serverChannel.isOpen()).isTrue();
        assertThat(pair.client.openStreams()).isZero();
        assertThat(pair.server.openStreams()).isZero();
        pair.finish();
    }

    @Test
    void openBeyondTheLimitIsRefusedAndTheConnectionStaysUp() {
        DrivenSession server = new DrivenSession(Role.SERVER, SessionSettings.defaults("t").withMaxConcurrentStreams(2));
        server.feed(Wire.hello());
        server.sent();
        server.feed(Wire.open(1, "a"), Wire.open(3, "b"), Wire.open(5, "c"));

        List<SentFrame> sent = server.sent();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).type()).isEqualTo(FrameType.RST);
        assertThat(sent.get(0).streamId()).isEqualTo(5);
        assertThat(ErrorCode.of(sent.get(0).intPayload())).isEqualTo(ErrorCode.REFUSED_STREAM);
        assertThat(server.listener.accepted).containsOnlyKeys(1, 3);

        // Frames the peer sent before it saw the RST are dropped; the other streams carry on.
        server.feed(Wire.data(5, new byte[10]), Wire.data(1, new byte[] {9}));
        assertThat(server.listener.handlers.get(1).received()).containsExactly(9);
        assertThat(server.channel.isOpen()).isTrue();

        // Once a stream ends there is room again.
        server.feed(Wire.rst(3, ErrorCode.CANCEL.code(), ""), Wire.open(7, "d"));
        assertThat(server.listener.accepted).containsKey(7);
        assertThat(server.sent()).isEmpty();
        server.channel.checkException();
        assertFalse(server.channel.finishAndReleaseAll());
    }

    @Test
    void openBeyondThePeersLimitFailsLocally() {
        MuxPair pair = new MuxPair(SessionSettings.defaults("c"), SessionSettings.defaults("s").withMaxConcurrentStreams(1));
        pair.open(pair.client, "first", new RecordingHandler(true));
        Future<TunnelStream> second = pair.client.openStream(new OpenStream("second", null), new RecordingHandler(true));
        pair.pump();
        assertThat(second.cause()).isInstanceOfSatisfying(StreamResetException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED_STREAM));
        pair.finish();
    }

    @Test
    void listenerRefusingAStreamResetsItWithRefusedStream() {
        MuxPair pair = new MuxPair();
        pair.serverListener.acceptor = stream -> null;
        RecordingHandler atClient = new RecordingHandler(true);
        TunnelStream stream = pair.open(pair.client, "nope", atClient);
        assertThat(atClient.resets).isEqualTo(1);
        assertThat(atClient.resetCode).isEqualTo(ErrorCode.REFUSED_STREAM);
        assertThat(stream.closeFuture().isSuccess()).isFalse();
        pair.finish();
    }

    @Test
    void closingTheCarrierFailsEveryStreamOnceWithACause() {
        MuxPair pair = new MuxPair();
        List<RecordingHandler> handlers = new ArrayList<>();
        List<TunnelStream> streams = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordingHandler handler = new RecordingHandler(true);
            handlers.add(handler);
            streams.add(pair.open(pair.client, "t" + i, handler));
        }
        pair.clientChannel.close();
        pair.pump();

        for (int i = 0; i < 3; i++) {
            assertThat(handlers.get(i).resets).isEqualTo(1);
            assertThat(handlers.get(i).resetCode).isEqualTo(ErrorCode.CONNECTION_CLOSED);
            assertThat(streams.get(i).closeFuture().cause()).isInstanceOf(StreamResetException.class);
        }
        assertThat(pair.clientListener.closed).isEqualTo(1);
        assertThat(pair.clientListener.closeCause).isInstanceOf(ClosedChannelException.class);
        assertThat(pair.client.closeFuture().isDone()).isTrue();
        // Writes after the loss go nowhere and leak nothing.
        streams.get(0).write(Unpooled.wrappedBuffer(new byte[10]));
        streams.get(0).reset(ErrorCode.CANCEL, "late");
        pair.clientChannel.runPendingTasks();
        assertThat(handlers.get(0).resets).isEqualTo(1);
        pair.finish();
    }

    @Test
    void pingIsAnsweredWithPongEchoingItsPayload() {
        DrivenSession server = DrivenSession.helloedServer();
        server.feed(Wire.ping(0x0102030405060708L));
        List<SentFrame> sent = server.sent();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).type()).isEqualTo(FrameType.PONG);
        assertThat(sent.get(0).longPayload()).isEqualTo(0x0102030405060708L);
        assertFalse(server.channel.finishAndReleaseAll());
    }

    @Test
    void keepAlivePingMeasuresTheRoundTrip() {
        SessionSettings settings = SessionSettings.defaults("c").withKeepAlive(Duration.ofMillis(100), 3);
        MuxPair pair = new MuxPair(settings, SessionSettings.defaults("s"));
        assertThat(pair.client.rttNanos()).isEqualTo(-1);
        pair.clientChannel.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        pair.clientChannel.runScheduledPendingTasks();
        pair.pump();
        assertThat(pair.client.rttNanos()).isPositive().isLessThan(TimeUnit.SECONDS.toNanos(5));
        assertThat(pair.clientChannel.isOpen()).isTrue();
        pair.finish();
    }

    @Test
    void controlAndCreditFramesOvertakeQueuedData() {
        DrivenSession server = DrivenSession.helloedServer();
        server.feed(Wire.open(1, "web"));
        TunnelStream stream = server.listener.accepted.get(1);
        server.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        server.channel.runPendingTasks();
        assertThat(server.channel.isWritable()).isFalse();

        stream.write(Unpooled.wrappedBuffer(new byte[100_000]));
        server.feed(Wire.ping(42), Wire.data(1, new byte[WINDOW / 4]), Wire.data(1, new byte[WINDOW / 4]));
        List<SentFrame> whileBlocked = server.sent();
        assertThat(whileBlocked).extracting(SentFrame::type).containsExactly(FrameType.PONG, FrameType.WINDOW_UPDATE);

        server.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        List<SentFrame> afterwards = server.sent();
        assertThat(afterwards).extracting(SentFrame::type).containsExactly(FrameType.DATA, FrameType.DATA);
        assertThat(afterwards).extracting(f -> f.payload().length).containsExactly(65536, 100_000 - 65536);
        assertFalse(server.channel.finishAndReleaseAll());
    }

    @Test
    void datagramsAreDroppedNotQueuedWhileTheCarrierIsNotWritable() {
        DrivenSession server = DrivenSession.helloedServer();
        server.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        server.channel.runPendingTasks();

        ByteBuf dropped = Unpooled.wrappedBuffer(new byte[100]);
        assertThat(server.session.sendDatagram(3, dropped)).isFalse();
        assertThat(dropped.refCnt()).isZero();

        server.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        assertThat(server.session.sendDatagram(3, Unpooled.wrappedBuffer(new byte[100]))).isTrue();
        assertThat(server.sent()).extracting(SentFrame::type).containsExactly(FrameType.DATAGRAM);
        assertFalse(server.channel.finishAndReleaseAll());
    }

    @Test
    void goAwayFromThePeerStopsNewStreamsButNotOpenOnes() {
        MuxPair pair = new MuxPair();
        RecordingHandler atClient = new RecordingHandler(true);
        TunnelStream open = pair.open(pair.client, "web", atClient);
        pair.server.goAway(ErrorCode.SHUTTING_DOWN, "maintenance");
        pair.pump();
        assertThat(pair.clientListener.goAways).hasSize(1);
        Future<TunnelStream> refused = pair.client.openStream(new OpenStream("late", null), new RecordingHandler(true));
        pair.pump();
        assertThat(refused.cause()).isInstanceOf(StreamResetException.class);

        pair.serverListener.accepted.get(open.id()).write(Unpooled.wrappedBuffer(new byte[] {1}));
        pair.pump();
        assertThat(atClient.received()).containsExactly(1);
        pair.finish();
    }

    @Test
    void aLargerConfiguredInitialWindowIsGrantedAtOnce() {
        SessionSettings large = SessionSettings.defaults("t").withWindows(1024 * 1024, 8 * 1024 * 1024, 64L << 20);
        MuxPair pair = new MuxPair(large, large);
        pair.serverListener.acceptor = stream -> new RecordingHandler(false);
        TunnelStream clientSide = pair.open(pair.client, "bulk", new RecordingHandler(true));
        clientSide.write(Unpooled.wrappedBuffer(new byte[4 * 1024 * 1024]));
        pair.pump();
        RecordingHandler atServer = pair.serverListener.handlers.get(clientSide.id());
        assertThat(atServer.heldBytes()).isEqualTo(1024 * 1024);

        int delivered = 0;
        while (delivered < 4 * 1024 * 1024) {
            int consumed = atServer.consumeAll();
            assertThat(consumed).as("progress after %d bytes", delivered).isPositive();
            delivered += consumed;
            pair.pump();
        }
        assertThat(pair.serverChannel.isOpen()).isTrue();
        pair.finish();
    }

    @Test
    void initialWindowBelowTheProtocolsIsRejected() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                SessionSettings.defaults("t").withWindows(128 * 1024, 8 * 1024 * 1024, 64L << 20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initialWindow");
    }

    @Test
    void aWritableTaskThatThrowsResetsOnlyItsStream() {
        MuxPair pair = new MuxPair();
        pair.serverListener.acceptor = stream -> new RecordingHandler(false);
        RecordingHandler brokenHandler = new RecordingHandler(true);
        TunnelStream broken = pair.open(pair.client, "broken", brokenHandler);
        RecordingHandler healthyAtServer = new RecordingHandler(true);
        pair.serverListener.acceptor = stream -> healthyAtServer;
        TunnelStream healthy = pair.open(pair.client, "healthy", new RecordingHandler(true));

        broken.write(Unpooled.wrappedBuffer(new byte[WINDOW + 1]));
        pair.pump();
        broken.whenWritable(() -> {
            throw new IllegalStateException("bug in a source");
        });
        pair.serverListener.handlers.get(broken.id()).consumeAll();
        pair.pump();

        assertThat(pair.clientChannel.isOpen()).isTrue();
        assertThat(broken.closeFuture().cause()).isInstanceOfSatisfying(StreamResetException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR));
        assertThat(brokenHandler.resets).as("the handler is told, so it closes what it holds").isEqualTo(1);
        assertThat(brokenHandler.resetCode).isEqualTo(ErrorCode.INTERNAL_ERROR);
        healthy.write(Unpooled.wrappedBuffer(new byte[] {7}));
        pair.pump();
        assertThat(healthyAtServer.received()).containsExactly(7);
        pair.finish();
    }

    @Test
    void aSourceWritingSmallChunksFromItsWritableTaskDoesNotRecurse() {
        SessionSettings large = SessionSettings.defaults("t").withWindows(8 * 1024 * 1024, 8 * 1024 * 1024, 64L << 20);
        MuxPair pair = new MuxPair(large, large);
        TunnelStream stream = pair.open(pair.client, "small-writes", new RecordingHandler(true));
        int[] written = {0};
        int[] maxDepth = {0};
        int[] depth = {0};
        Runnable source = new Runnable() {
            @Override
            public void run() {
                depth[0]++;
                maxDepth[0] = Math.max(maxDepth[0], depth[0]);
                stream.write(Unpooled.wrappedBuffer(new byte[64]));
                written[0] += 64;
                if (written[0] < 256 * 1024) {
                    stream.whenWritable(this);
                }
                depth[0]--;
            }
        };
        stream.whenWritable(source);
        pair.pump();
        assertThat(pair.serverListener.handlers.get(stream.id()).received()).hasSize(256 * 1024);
        assertThat(maxDepth[0]).as("writable tasks run one after another, not nested").isEqualTo(1);
        pair.finish();
    }

    static byte[] randomBytes(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static void writeInRandomChunks(TunnelStream stream, byte[] bytes, long seed) {
        Random random = new Random(seed);
        int at = 0;
        while (at < bytes.length) {
            int n = Math.min(bytes.length - at, 1 + random.nextInt(100_000));
            stream.write(Unpooled.wrappedBuffer(bytes, at, n));
            at += n;
        }
    }
}
