package dev.portway.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Case 3: opens {@code count} connections to an echo target and holds them, then sends one message on each and
 * checks every echo. Reads the resident memory of the given processes (the tunnel server and client) before,
 * while holding, and after the echoes. Connects are paced ({@code maxPending} in flight) so that the listen
 * backlog never overflows; the whole case is bounded by {@code timeout}.
 */
final class HoldConnections {
    private final InetSocketAddress target;
    private final int count;
    private final long[] pids;
    private final String[] names;
    private final long timeoutNanos;
    private final int maxPending = 256;

    HoldConnections(InetSocketAddress target, int count, String[] names, long[] pids, long timeoutNanos) {
        this.target = target;
        this.count = count;
        this.names = names;
        this.pids = pids;
        this.timeoutNanos = timeoutNanos;
    }

    String run() throws Exception {
        EventLoopGroup group = Netty.group(2, "hold");
        long deadline = System.nanoTime() + timeoutNanos;
        StringBuilder out = new StringBuilder();
        try {
            // warm-up: the same path, few connections, so JIT and first-use allocations are not counted per connection
            Round warm = open(group, 200, deadline);
            warm.echoAll(deadline);
            warm.closeAll();
            Thread.sleep(2000);
            long[] before = rss();
            long t0 = System.nanoTime();
            Round round = open(group, count, deadline);
            double openSeconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(3000);
            long[] held = rss();
            int correct = round.echoAll(deadline);
            Thread.sleep(1000);
            long[] echoed = rss();
            out.append("connections=").append(round.channels.size()).append(" wanted=").append(count)
                    .append(" connect_failures=").append(round.failures.get())
                    .append(" echoes_ok=").append(correct)
                    .append(" open_s=").append(String.format("%.1f", openSeconds));
            for (int i = 0; i < pids.length; i++) {
                out.append(' ').append(names[i]).append("_rss_before_kib=").append(before[i])
                        .append(' ').append(names[i]).append("_rss_held_kib=").append(held[i])
                        .append(' ').append(names[i]).append("_rss_after_kib=").append(echoed[i])
                        .append(' ').append(names[i]).append("_per_conn_kib=")
                        .append(String.format("%.2f", (echoed[i] - before[i]) / (double) Math.max(1, round.channels.size())));
            }
            round.closeAll();
            return out.toString();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private long[] rss() {
        long[] r = new long[pids.length];
        for (int i = 0; i < pids.length; i++) {
            r[i] = ProcStats.rssKib(pids[i]);
        }
        return r;
    }

    private Round open(EventLoopGroup group, int n, long deadline) throws InterruptedException {
        Round round = new Round();
        Semaphore pending = new Semaphore(maxPending);
        for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
            if (!pending.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            Client client = new Client(i);
            Netty.client(group).handler(client).connect(target).addListener(f -> {
                pending.release();
                if (f.isSuccess()) {
                    synchronized (round.channels) {
                        round.channels.add(client);
                    }
                } else {
                    round.failures.incrementAndGet();
                }
            });
        }
        pending.tryAcquire(maxPending, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        return round;
    }

    private static final class Round {
        final List<Client> channels = new ArrayList<>();
        final AtomicInteger failures = new AtomicInteger();

        int echoAll(long deadline) {
            List<CompletableFuture<Boolean>> results = new ArrayList<>();
            for (Client c : channels) {
                results.add(c.echo());
            }
            int ok = 0;
            for (CompletableFuture<Boolean> r : results) {
                try {
                    if (r.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        ok++;
                    }
                } catch (Exception e) {
                    // timed out or failed: not counted as correct
                }
            }
            return ok;
        }

        void closeAll() {
            channels.forEach(c -> c.channel.close());
            channels.forEach(c -> c.channel.closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS));
        }
    }

    /** One held connection; collects the echo until it is as long as the message sent. */
    private static final class Client extends ChannelInboundHandlerAdapter {
        private final byte[] message;
        private final ByteBuf received = Unpooled.buffer(64);
        private volatile CompletableFuture<Boolean> result;
        private Channel channel;

        Client(int index) {
            message = String.format("portway-echo-%08d-%08x\n", index, index * 2654435761L & 0xffffffffL)
                    .getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
        }

        CompletableFuture<Boolean> echo() {
            CompletableFuture<Boolean> r = new CompletableFuture<>();
            result = r;
            channel.writeAndFlush(Unpooled.wrappedBuffer(message)).addListener(f -> {
                if (!f.isSuccess()) {
                    r.complete(false);
                }
            });
            return r;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                received.writeBytes(buf);
            } finally {
                buf.release();
            }
            CompletableFuture<Boolean> r = result;
            if (r != null && received.readableBytes() >= message.length) {
                byte[] got = new byte[received.readableBytes()];
                received.readBytes(got);
                r.complete(java.util.Arrays.equals(got, message));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            CompletableFuture<Boolean> r = result;
            if (r != null) {
                r.complete(false);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
