package dev.portway.protocol.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BandwidthTest {
    @Test
    void ratesAreWrittenAsFrpWritesThem() {
        assertThat(Bandwidth.parse("512KB")).isEqualTo(512 * 1024);
        assertThat(Bandwidth.parse("1MB")).isEqualTo(1 << 20);
        assertThat(Bandwidth.parse("2gb")).isEqualTo(2L << 30);
        assertThat(Bandwidth.parse("2048")).isEqualTo(2048);
        assertThat(Bandwidth.parse("10GB")).as("above the 1 GB/s bucket4j allows in tokens of one byte")
                .isEqualTo(10L << 30);
        assertThat(Bandwidth.perSecond(10L << 30).bytesPerSecond()).isEqualTo(10L << 30);
        assertThatThrownBy(() -> Bandwidth.parse("1 MB/s")).hasMessageStartingWith("expected a rate such as 512KB");
        assertThatThrownBy(() -> Bandwidth.parse("1000")).hasMessage("expected 1KB to 10GB a second");
        assertThatThrownBy(() -> Bandwidth.parse("11GB")).hasMessage("expected 1KB to 10GB a second");
    }

    @Test
    void writesBeyondASecondsWorthWaitInOrderAndNothingIsLost() throws Exception {
        Bandwidth limit = Bandwidth.perSecond(10_000);
        EmbeddedChannel channel = new EmbeddedChannel(limit.throttle());
        ChannelFuture first = channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[12_000]));
        ChannelFuture second = channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[]{1, 2, 3}));
        ChannelFuture third = channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[]{4}));
        assertThat(first.isSuccess()).as("a write passes while the bucket is not in debt").isTrue();
        assertThat(second.isDone()).isFalse();
        assertThat(third.isDone()).as("behind the one waiting, whatever its size").isFalse();

        Thread.sleep(250);
        channel.runPendingTasks();
        channel.runScheduledPendingTasks();
        assertThat(second.isDone()).as("2000 bytes of debt: 200 ms").isTrue();
        assertThat(third.isSuccess()).isTrue();
        ByteBuf out = channel.readOutbound();
        assertThat(out.readableBytes()).isEqualTo(12_000);
        out.release();
        ByteBuf next = channel.readOutbound();
        assertThat(next.readByte()).isEqualTo((byte) 1);
        next.release();
        ByteBuf last = channel.readOutbound();
        assertThat(last.readByte()).isEqualTo((byte) 4);
        last.release();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aReadAfterASecondsWorthIsDelayedNotDropped() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                reads.incrementAndGet();
            }
        }, Bandwidth.perSecond(10_000).throttle());
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[12_000]));
        ByteBuf passed = channel.readInbound();
        assertThat(passed.readableBytes()).isEqualTo(12_000);
        passed.release();

        channel.read();
        assertThat(reads.get()).as("2000 bytes over: 200 ms of debt").isZero();
        Thread.sleep(250);
        channel.runScheduledPendingTasks();
        assertThat(reads.get()).isEqualTo(1);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void writesStillWaitingWhenTheChannelClosesAreReleased() {
        EmbeddedChannel channel = new EmbeddedChannel(Bandwidth.perSecond(1024).throttle());
        ByteBuf held = Unpooled.buffer().writeZero(100);
        channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[4096]));
        ChannelFuture waiting = channel.writeAndFlush(held);
        channel.close();
        assertThat(waiting.isSuccess()).isFalse();
        assertThat(held.refCnt()).isZero();
        ByteBuf first = channel.readOutbound();
        first.release();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aDebtIsForgivenWhenTheRateChangesOrTheLimitsAreSwitched() throws Exception {
        AtomicLong rate = new AtomicLong(1024);
        Bandwidth plan = Bandwidth.following(rate::get);
        AtomicInteger reads = new AtomicInteger();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAutoRead(false);
        BandwidthThrottle throttle = plan.throttle();
        channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                reads.incrementAndGet();
            }
        }, throttle);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[64 * 1024]));
        ByteBuf passed = channel.readInbound();
        passed.release();
        channel.read();
        assertThat(reads.get()).as("63 KiB over at 1 KiB/s: a minute of debt").isZero();

        rate.set(0);
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(BandwidthThrottle.RECHECK) + 100);
        channel.runScheduledPendingTasks();
        assertThat(reads.get()).as("the limit was lifted: read within a recheck").isEqualTo(1);

        rate.set(1024);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[64 * 1024]));
        ByteBuf again = channel.readInbound();
        again.release();
        channel.read();
        assertThat(reads.get()).isEqualTo(1);
        throttle.follow(Bandwidth.NONE);
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(BandwidthThrottle.RECHECK) + 100);
        channel.runScheduledPendingTasks();
        assertThat(reads.get()).as("switched to another tunnel's limits").isEqualTo(2);
        assertThat(channel.finish()).isFalse();
    }
}
