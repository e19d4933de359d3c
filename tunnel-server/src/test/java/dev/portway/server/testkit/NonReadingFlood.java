package dev.portway.server.testkit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A peer that writes and never reads: it stops reading on a connected channel, then writes one burst after another
 * while the channel is writable, until the server cuts the connection, {@code maxBytes} went out or {@code maxTime}
 * passed. Waiting for writability keeps the flooder's own memory bounded, so what grows, if anything, is the
 * server's.
 *
 * <p>Threading: {@link #flood} blocks its caller, never an event loop.
 */
public final class NonReadingFlood {
    /**
     * @param sent bytes handed to the socket (some may still have been in its buffers when it was cut)
     * @param cut  whether the server closed the connection
     */
    public record Result(long sent, boolean cut, Duration took) {
        @Override
        public String toString() {
            return String.format("%.1f MiB sent in %d ms, %s", sent / 1048576.0, took.toMillis(),
                    cut ? "cut by the server" : "still open");
        }
    }

    private NonReadingFlood() {
    }

    /** A plain TCP connection to {@code target} on {@code group} that reads nothing, with a small receive buffer. */
    public static Channel connect(EventLoopGroup group, InetSocketAddress target) throws InterruptedException {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4096)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(target).sync().channel();
    }

    public static Result flood(Channel channel, byte[] burst, long maxBytes, Duration maxTime)
            throws InterruptedException {
        channel.config().setAutoRead(false);
        long start = System.nanoTime();
        long deadline = start + maxTime.toNanos();
        long sent = 0;
        while (channel.isActive() && sent < maxBytes && System.nanoTime() < deadline) {
            if (channel.isWritable()) {
                channel.writeAndFlush(Unpooled.wrappedBuffer(burst));
                sent += burst.length;
            } else {
                Thread.sleep(1);
            }
        }
        return new Result(sent, !channel.isActive(), Duration.ofNanos(System.nanoTime() - start));
    }
}
