package dev.portway.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RequestClockTest {
    private final List<Object> events = new ArrayList<>();
    private final RequestClock clock = new RequestClock(Duration.ofSeconds(60), Duration.ofSeconds(30),
            Duration.ofSeconds(20), Duration.ofSeconds(45));
    private final EmbeddedChannel channel = new EmbeddedChannel();

    RequestClockTest() {
        channel.freezeTime();
        // As on a public connection: only the proxy's reads read.
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(clock, new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
            }
        });
    }

    private void advance(int seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void aSilentConnectionRunsOutOfIdleTime() {
        advance(59);
        assertThat(events).isEmpty();
        advance(1);
        assertThat(events).containsExactly(RequestClock.Expired.IDLE);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aConnectionClosingBehindAnAnswerItsPeerDoesNotReadIsCutAtTheIdleTimeout() {
        channel.writeInbound(Unpooled.wrappedBuffer("GET / HTTP/1.1\r\n\r\n".getBytes()));
        clock.headersReceived();
        clock.requestSent();
        clock.responseStarted();
        advance(600);
        assertThat(events).as("an answer flowing runs no clock").isEmpty();

        clock.draining();
        advance(59);
        assertThat(events).isEmpty();
        advance(1);
        assertThat(events).containsExactly(RequestClock.Expired.IDLE);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void theFirstByteStartsTheHeaderClockAndCompleteHeadersStopIt() {
        advance(50);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{'G'}));
        advance(29);
        assertThat(events).isEmpty();
        advance(1);
        assertThat(events).containsExactly(RequestClock.Expired.HEADERS);

        events.clear();
        clock.awaitRequest();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{'G'}));
        clock.headersReceived();
        advance(600);
        assertThat(events).isEmpty();
        clock.awaitRequest();
        advance(60);
        assertThat(events).containsExactly(RequestClock.Expired.IDLE);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aSentRequestMustBeAnsweredWithinTheResponseTimeout() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{'G'}));
        clock.headersReceived();
        advance(20);
        clock.requestSent();
        advance(44);
        assertThat(events).isEmpty();
        advance(1);
        assertThat(events).containsExactly(RequestClock.Expired.RESPONSE);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void anAnswerThatBeginsStopsTheResponseClock() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{'G'}));
        clock.headersReceived();
        clock.requestSent();
        advance(10);
        clock.responseStarted();
        advance(600);
        assertThat(events).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aBusyKeepAliveConnectionMovesTheClockWithoutExpiring() {
        // Requests every 10 s for 10 minutes: each exchange sets new deadlines, and none of the old ones fires.
        for (int i = 0; i < 60; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{'G'}));
            clock.headersReceived();
            clock.requestSent();
            clock.responseStarted();
            clock.awaitRequest();
            advance(10);
        }
        assertThat(events).isEmpty();
        // The last request ended 10 s ago.
        advance(49);
        assertThat(events).isEmpty();
        advance(1);
        assertThat(events).containsExactly(RequestClock.Expired.IDLE);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void bytesOfTheNextRequestDuringAnAnswerPutItsHeadersOnTheClockWhenTheAnswerEnds() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{'G'}));
        clock.headersReceived();
        clock.requestSent();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{'G'}));
        advance(10);
        clock.responseStarted();
        clock.awaitRequest();
        advance(29);
        assertThat(events).isEmpty();
        advance(1);
        assertThat(events).containsExactly(RequestClock.Expired.HEADERS);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aBodyThatStopsComingRunsOutOfBodyTimeWhileItIsRead() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{'P'}));
        clock.headersReceived();
        channel.read();
        advance(19);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{'x'}));
        // Not read on (the stream has no credit): the peer is not the one waiting.
        advance(600);
        assertThat(events).isEmpty();
        channel.read();
        advance(19);
        assertThat(events).isEmpty();
        advance(1);
        assertThat(events).containsExactly(RequestClock.Expired.BODY);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aBodyThatEndsAfterItsAnswerBeganStartsNoClock() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{'P'}));
        clock.headersReceived();
        clock.responseStarted();
        channel.read();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[]{'x'}));
        clock.requestSent();
        channel.read();
        advance(600);
        assertThat(events).isEmpty();
        assertThat(channel.finish()).isFalse();
    }
}
