package dev.portway.server.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayBufferTest {
    /** Stands in for the relay: keeps what reaches it as text and releases the buffers. */
    private static final class Sink extends ChannelInboundHandlerAdapter {
        final List<String> received = new ArrayList<>();
        int inputShutdowns;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                received.add(buf.toString(StandardCharsets.US_ASCII));
            } finally {
                buf.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                inputShutdowns++;
            }
        }
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    @Test
    void passesBytesOnAndReplaysThemWithTheEndOfInputAsOftenAsAsked() {
        ReplayBuffer replay = new ReplayBuffer();
        Sink sink = new Sink();
        EmbeddedChannel channel = new EmbeddedChannel(replay, sink);

        channel.writeInbound(text("GET / HTTP/1.1\r\n"), text("Host: a\r\n\r\n"));
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        replay.replay();
        replay.replay();

        assertThat(sink.received).containsExactly("GET / HTTP/1.1\r\n", "Host: a\r\n\r\n",
                "GET / HTTP/1.1\r\n", "Host: a\r\n\r\n", "GET / HTTP/1.1\r\n", "Host: a\r\n\r\n");
        assertThat(sink.inputShutdowns).isEqualTo(3);
        assertThat(replay.replayable()).isTrue();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void stopsRecordingAtTheFirstAnswerAndReleasesTheCopies() {
        ReplayBuffer replay = new ReplayBuffer();
        Sink sink = new Sink();
        EmbeddedChannel channel = new EmbeddedChannel(replay, sink);
        ByteBuf request = text("hello");

        channel.writeInbound(request);
        replay.stopRecording();
        replay.replay();
        channel.writeInbound(text("more"));

        assertThat(request.refCnt()).isZero();
        assertThat(replay.replayable()).isFalse();
        assertThat(sink.received).containsExactly("hello", "more");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void givesUpBeyondTheLimitButStillPassesEverythingOn() {
        ReplayBuffer replay = new ReplayBuffer();
        Sink sink = new Sink();
        EmbeddedChannel channel = new EmbeddedChannel(replay, sink);
        ByteBuf first = Unpooled.buffer().writeZero(ReplayBuffer.LIMIT - 1);

        channel.writeInbound(first, Unpooled.buffer().writeZero(2));

        assertThat(replay.replayable()).isFalse();
        assertThat(first.refCnt()).isZero();
        assertThat(sink.received).hasSize(2);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void releasesTheCopiesWhenTheConnectionCloses() {
        ReplayBuffer replay = new ReplayBuffer();
        EmbeddedChannel channel = new EmbeddedChannel(replay, new Sink());
        ByteBuf request = text("hello");

        channel.writeInbound(request);
        channel.close();

        assertThat(request.refCnt()).isZero();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
