package dev.portway.benchmarks.load;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Case 6: HTTP/1.1 GETs at a fixed rate over {@code connections} keep-alive connections (wrk2's model, which Debian
 * does not package). Request {@code i} is due at {@code start + i/rate}; it goes out on the next idle connection,
 * and its latency is measured from that due time, not from when it was sent, so a stall counts against every
 * request that should have gone out during it (no coordinated omission). Requests due during the warm-up are
 * sent but not recorded.
 *
 * <p>Threading: everything runs on one event loop, so the queue and the idle list need no locks.
 */
final class FixedRateHttp {
    private final InetSocketAddress target;
    private final String host;
    private final int rate;
    private final int connections;
    private final long warmupNanos;
    private final long durationNanos;
    private final EventLoopGroup group = Netty.group(1, "fixed-rate");
    private final ArrayDeque<Long> due = new ArrayDeque<>();
    private final ArrayDeque<Conn> idle = new ArrayDeque<>();
    private long[] latencies;
    private int recorded;
    private long errors;
    private long sent;
    private int inFlight;
    private long start;
    private long scheduled;

    /** {@code host} is the {@code Host} header every request carries: a vhost name routes through an http tunnel. */
    FixedRateHttp(InetSocketAddress target, String host, int rate, int connections, long warmupNanos,
                  long durationNanos) {
        this.target = target;
        this.host = host;
        this.rate = rate;
        this.connections = connections;
        this.warmupNanos = warmupNanos;
        this.durationNanos = durationNanos;
    }

    String run() throws Exception {
        latencies = new long[(int) Math.min(Integer.MAX_VALUE - 8, rate * (durationNanos / 1e9) + 1000)];
        try {
            for (int i = 0; i < connections; i++) {
                Conn c = new Conn();
                c.channel = connect(c);
            }
            CompletableFuture<String> result = new CompletableFuture<>();
            group.next().execute(() -> begin(result));
            return result.get(warmupNanos / 1_000_000 + durationNanos / 1_000_000 + 30_000, TimeUnit.MILLISECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private Channel connect(Conn c) throws InterruptedException {
        return Netty.client(group).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), c);
            }
        }).connect(target).sync().channel();
    }

    private void begin(CompletableFuture<String> result) {
        start = System.nanoTime();
        long end = start + warmupNanos + durationNanos;
        long tickNanos = 500_000;
        ScheduledFuture<?>[] ticker = new ScheduledFuture<?>[1];
        ticker[0] = group.next().scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            long until = Math.min(now, end);
            long shouldHave = (long) ((until - start) / 1e9 * rate);
            while (scheduled < shouldHave) {
                due.add(start + (long) (scheduled * 1e9 / rate));
                scheduled++;
            }
            dispatch();
            if (now >= end + 5_000_000_000L || (now >= end && due.isEmpty() && inFlight == 0)) {
                ticker[0].cancel(false);
                long late = due.size() + inFlight;
                long[] sorted = Arrays.copyOf(latencies, recorded);
                Arrays.sort(sorted);
                double achieved = recorded / (durationNanos / 1e9);
                result.complete(String.format(
                        "rate=%d achieved_per_s=%.0f recorded=%d errors=%d unfinished=%d p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f",
                        rate, achieved, recorded, errors, late, Percentiles.ms(sorted, 0.5), Percentiles.ms(sorted, 0.9),
                        Percentiles.ms(sorted, 0.99), Percentiles.ms(sorted, 0.999),
                        sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6));
            }
        }, 0, tickNanos, TimeUnit.NANOSECONDS);
    }

    private void dispatch() {
        while (!due.isEmpty() && !idle.isEmpty()) {
            Conn c = idle.poll();
            c.send(due.poll());
        }
    }

    private void completed(Conn c, long dueAt, boolean ok) {
        inFlight--;
        if (!ok) {
            errors++;
        } else if (dueAt >= start + warmupNanos && recorded < latencies.length) {
            latencies[recorded++] = System.nanoTime() - dueAt;
        }
        if (c.channel.isActive()) {
            idle.add(c);
        }
        dispatch();
    }

    /** One keep-alive connection; at most one request outstanding. */
    private final class Conn extends SimpleChannelInboundHandler<FullHttpResponse> {
        Channel channel;
        long dueAt = -1;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            idle.add(this);
        }

        void send(long at) {
            dueAt = at;
            sent++;
            inFlight++;
            DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
            request.headers().set(HttpHeaderNames.HOST, host);
            channel.writeAndFlush(request);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            long at = dueAt;
            dueAt = -1;
            completed(this, at, response.status().code() == 200);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            idle.remove(this);
            if (dueAt >= 0) {
                errors++;
                inFlight--;
                dueAt = -1;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
