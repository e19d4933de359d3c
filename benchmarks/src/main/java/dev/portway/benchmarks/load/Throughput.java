package dev.portway.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Case 5: one stream's throughput. Starts a sink on {@code sinkPort} (the target the path under test leads to),
 * sends for {@code seconds} through {@code connect}, and reports the bytes the sink received divided by the time
 * from the first byte received to the end: what arrived, not what the sender's buffers swallowed.
 */
final class Throughput {
    private Throughput() {
    }

    static String run(InetSocketAddress connect, int sinkPort, long durationNanos) throws Exception {
        EventLoopGroup group = Netty.group(1, "sink");
        AtomicLong received = new AtomicLong();
        AtomicLong firstByte = new AtomicLong();
        Channel sink = Netty.listen(group, sinkPort, () -> new Sink(received, firstByte));
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(connect, 10_000);
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[64 * 1024];
            long end = System.nanoTime() + durationNanos;
            // a write blocks while the path is full; a watchdog closes the socket if the path stalls for good
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(durationNanos / 1_000_000 + 20_000);
                    socket.close();
                } catch (Exception ignored) {
                    // interrupted: the run finished in time
                }
            }, "throughput-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            while (System.nanoTime() < end) {
                out.write(chunk);
            }
            long bytes = received.get();
            long now = System.nanoTime();
            watchdog.interrupt();
            long first = firstByte.get();
            double seconds = first == 0 ? Double.NaN : (now - first) / 1e9;
            return String.format("bytes=%d seconds=%.2f mbit_s=%.1f", bytes, seconds, bytes * 8 / seconds / 1e6);
        } finally {
            sink.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Counts and drops what it reads. */
    @ChannelHandler.Sharable
    private static final class Sink extends ChannelInboundHandlerAdapter {
        private final AtomicLong received;
        private final AtomicLong firstByte;

        Sink(AtomicLong received, AtomicLong firstByte) {
            this.received = received;
            this.firstByte = firstByte;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            firstByte.compareAndSet(0, System.nanoTime());
            received.addAndGet(buf.readableBytes());
            buf.release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
