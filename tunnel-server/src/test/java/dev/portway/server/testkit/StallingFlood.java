package dev.portway.server.testkit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A slow-connection attack from one source address: many TCP connections that each send a few bytes and then stall,
 * never finishing what they began. Two NIO threads carry them all, so the test needs a descriptor per connection that
 * is open, not a thread. Connects are paced ({@link #IN_FLIGHT} at a time) so that the attack measures the server's
 * per-address ceiling, not the listener's accept backlog: a connect that overflowed the backlog would wait out SYN
 * retransmits and fail for a reason that is not the server's.
 *
 * <p>Whatever the server sends is discarded. A connection the server closes (the ceiling's RST, or a timeout) is
 * counted in {@link #closedByServer}; the rest stay open until {@link #close}.
 */
public final class StallingFlood implements AutoCloseable {
    /** Connects not yet completed at any moment. */
    public static final int IN_FLIGHT = 128;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ChannelGroup open = new DefaultChannelGroup("stalling", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger closedByServer = new AtomicInteger();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private volatile boolean closing;

    /**
     * Opens {@code connections} connections from {@code source} (port chosen by the system) to {@code target}, each
     * sending {@code greeting} once connected; returns when every connect has completed or failed.
     */
    public static StallingFlood start(InetAddress source, InetSocketAddress target, int connections, byte[] greeting)
            throws InterruptedException {
        StallingFlood flood = new StallingFlood();
        flood.open(source, target, connections, greeting);
        return flood;
    }

    private void open(InetAddress source, InetSocketAddress target, int connections, byte[] greeting)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new Discard());
        for (int i = 0; i < connections; i++) {
            inFlight.acquire();
            ChannelFuture connect = bootstrap.connect(target, new InetSocketAddress(source, 0));
            connect.addListener(done -> {
                inFlight.release();
                if (!done.isSuccess()) {
                    if (resetByServer(done.cause())) {
                        closedByServer.incrementAndGet();
                    } else {
                        firstFailure.compareAndSet(null, done.cause());
                        failed.incrementAndGet();
                    }
                    return;
                }
                Channel ch = connect.channel();
                connected.incrementAndGet();
                open.add(ch);
                ch.closeFuture().addListener(closed -> {
                    if (!closing) {
                        closedByServer.incrementAndGet();
                    }
                });
                ch.writeAndFlush(Unpooled.wrappedBuffer(greeting));
            });
        }
        inFlight.acquire(IN_FLIGHT);
    }

    /**
     * The server accepted and reset the connection before this side saw its connect complete: the kernel finished the
     * handshake, the RST came in before the event loop finished the connect, which then fails with the reset.
     */
    private static boolean resetByServer(Throwable cause) {
        return cause instanceof SocketException && String.valueOf(cause.getMessage()).contains("Connection reset");
    }

    /** Connections that this side saw connect. */
    public int connected() {
        return connected.get();
    }

    /** Connects that failed for another reason than the server's reset: refused, or timed out in a full backlog. */
    public int failed() {
        return failed.get();
    }

    /** Connections the server reset or closed, whether or not this side had seen them connect. */
    public int closedByServer() {
        return closedByServer.get();
    }

    /** Connections open right now. */
    public int open() {
        return open.size();
    }

    /** Waits until no more than {@code count} connections are open, or {@code millis} passed; returns how many are. */
    public int awaitOpenAtMost(int count, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (open() > count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return open();
    }

    @Override
    public String toString() {
        return "connected=" + connected() + " failed=" + failed() + " closedByServer=" + closedByServer()
                + " open=" + open() + (firstFailure.get() == null ? "" : " firstFailure=" + firstFailure.get());
    }

    @Override
    public void close() {
        closing = true;
        open.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The attacker never looks at answers. */
    @ChannelHandler.Sharable
    private static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset by the server: the close that follows is what is counted.
            ctx.close();
        }
    }
}
