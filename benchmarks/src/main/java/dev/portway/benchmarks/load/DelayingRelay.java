package dev.portway.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on 127.0.0.1 that holds every chunk for {@code rtt/2} in each direction before passing it on: a
 * long link between two loopback processes. It models latency only: no bandwidth cap, no loss. Data in flight
 * per direction is capped at {@link #MAX_IN_FLIGHT} bytes (reading stops above it), far above what a 200 ms
 * loopback link needs, so the relay itself is not the limit for either side of a comparison.
 *
 * <p>Threading: both channels of a pair share one event loop, so each pair's state is confined to it and
 * scheduled writes keep their order (Netty runs tasks with equal deadlines in submission order).
 * Reference counting: a chunk is released by the write that forwards it, or here when the peer has gone.
 * Closing: when one side closes, the other is closed after the delay, behind the data still in flight; there is
 * no half-close.
 */
final class DelayingRelay implements AutoCloseable {
    static final long MAX_IN_FLIGHT = 256L * 1024 * 1024;

    private final EventLoopGroup group;
    private final Channel listener;
    private final InetSocketAddress target;
    private final long delayNanos;

    DelayingRelay(int port, InetSocketAddress target, Duration roundTrip) throws InterruptedException {
        this.group = Netty.group(2, "relay");
        this.target = target;
        this.delayNanos = roundTrip.toNanos() / 2;
        this.listener = Netty.listen(group, port, Front::new);
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Accepted side: dials the target on its own event loop, then pairs the two channels. */
    private final class Front extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel front = ctx.channel();
            front.config().setAutoRead(false);
            Side frontSide = new Side();
            Side backSide = new Side();
            Netty.client(front.eventLoop())
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(backSide)
                    .connect(target)
                    .addListener((ChannelFutureListener) f -> {
                        if (!f.isSuccess()) {
                            front.close();
                            return;
                        }
                        frontSide.pair(front, backSide);
                        backSide.pair(f.channel(), frontSide);
                        ctx.pipeline().replace(this, "relay", frontSide);
                        front.config().setAutoRead(true);
                        f.channel().config().setAutoRead(true);
                    });
        }
    }

    /** One socket of a pair: forwards what it reads to the peer's socket after the delay. */
    private final class Side extends ChannelInboundHandlerAdapter {
        private Channel self;
        private Side peer;
        private long inFlight;

        void pair(Channel channel, Side other) {
            this.self = channel;
            this.peer = other;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf buf) || peer == null) {
                ReferenceCountUtil.release(msg);
                return;
            }
            int size = buf.readableBytes();
            inFlight += size;
            if (delayNanos == 0) {
                forward(buf, size);
            } else {
                self.eventLoop().schedule(() -> forward(buf, size), delayNanos, TimeUnit.NANOSECONDS);
            }
            if (inFlight > MAX_IN_FLIGHT || !peer.self.isWritable()) {
                self.config().setAutoRead(false);
            }
        }

        private void forward(ByteBuf buf, int size) {
            if (!peer.self.isActive()) {
                buf.release();
                inFlight -= size;
                return;
            }
            peer.self.writeAndFlush(buf).addListener(f -> {
                inFlight -= size;
                maybeResume();
            });
        }

        void maybeResume() {
            if (self.isActive() && inFlight <= MAX_IN_FLIGHT / 2 && peer.self.isWritable()) {
                self.config().setAutoRead(true);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (peer != null) {
                peer.maybeResume();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (peer != null) {
                Channel other = peer.self;
                self.eventLoop().schedule(() -> other.close(), delayNanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
