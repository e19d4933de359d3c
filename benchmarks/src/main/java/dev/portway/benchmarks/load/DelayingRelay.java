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
 * long link between two loopback processes, for one TCP connection at a time.
 *
 * <p>A relay terminates TCP, so the sender's kernel sees the relay's immediate ACKs, not the link's. To keep the
 * sender's view honest, the relay counts a chunk as in flight until a full round trip after it was read (the
 * delay out plus the delay of its ACK back) and stops reading while {@code window} bytes are in flight: the ACK
 * clock of a TCP connection whose window is {@code window}. The default is the kernel's largest receive buffer
 * ({@code net.ipv4.tcp_rmem}, third field): what a direct TCP connection over a real link of that RTT would get
 * at most. No bandwidth cap, no loss, no slow start.
 *
 * <p>Threading: both channels of a pair share one event loop, so each pair's state is confined to it and
 * scheduled writes keep their order (Netty runs tasks with equal deadlines in submission order).
 * Reference counting: a chunk is released by the write that forwards it, or here when the peer has gone.
 * Closing: when one side closes, the other is closed after the delay, behind the data still in flight; there is
 * no half-close.
 */
final class DelayingRelay implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel listener;
    private final InetSocketAddress target;
    private final long delayNanos;
    private final long window;

    DelayingRelay(int port, InetSocketAddress target, Duration roundTrip, long window) throws InterruptedException {
        this.group = Netty.group(2, "relay");
        this.target = target;
        this.delayNanos = roundTrip.toNanos() / 2;
        this.window = window;
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
            if (inFlight >= window || !peer.self.isWritable()) {
                self.config().setAutoRead(false);
            }
        }

        private void forward(ByteBuf buf, int size) {
            if (!peer.self.isActive()) {
                buf.release();
                acked(size);
                return;
            }
            peer.self.writeAndFlush(buf).addListener(f -> {
                if (delayNanos == 0) {
                    acked(size);
                } else {
                    self.eventLoop().schedule(() -> acked(size), delayNanos, TimeUnit.NANOSECONDS);
                }
            });
        }

        private void acked(int size) {
            inFlight -= size;
            maybeResume();
        }

        void maybeResume() {
            if (self.isActive() && inFlight < window && peer.self.isWritable()) {
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
