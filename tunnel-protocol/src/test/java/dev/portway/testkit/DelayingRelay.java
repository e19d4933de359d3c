package dev.portway.testkit;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on 127.0.0.1 that holds every chunk for a fixed one-way delay before passing it on, in each
 * direction: a long link without {@code tc netem}. Chunks keep their order (both sockets of a connection share
 * one event loop and wait in one queue per direction). The link's bandwidth is whatever loopback gives;
 * when a receiving socket backs up, reading from the sending one pauses, so memory stays bounded by the
 * bytes in flight.
 *
 * <p>Usage: {@code try (var link = DelayingRelay.start(target, Duration.ofMillis(50))) { connect(link.address()); }}
 */
public final class DelayingRelay implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel listener;
    private final long delayNanos;
    private final ChannelGroup connections;

    private DelayingRelay(EventLoopGroup group, Channel listener, Duration oneWayDelay) {
        this.group = group;
        this.listener = listener;
        this.delayNanos = oneWayDelay.toNanos();
        this.connections = new DefaultChannelGroup(group.next());
    }

    /** Listens on 127.0.0.1 on a free port and relays every accepted connection to {@code target}. */
    public static DelayingRelay start(InetSocketAddress target, Duration oneWayDelay) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        DelayingRelay[] self = new DelayingRelay[1];
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel inbound) {
                        self[0].connect(inbound, target);
                    }
                });
        try {
            Channel listener = bootstrap.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            self[0] = new DelayingRelay(group, listener, oneWayDelay);
            return self[0];
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    private void connect(SocketChannel inbound, InetSocketAddress target) {
        connections.add(inbound);
        ChannelFuture outbound = new Bootstrap()
                .group(inbound.eventLoop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(target);
        outbound.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                inbound.close();
                return;
            }
            Channel out = f.channel();
            connections.add(out);
            DelayedPipe up = new DelayedPipe(inbound, out);
            DelayedPipe down = new DelayedPipe(out, inbound);
            inbound.pipeline().addLast(new Endpoint(up, down));
            out.pipeline().addLast(new Endpoint(down, up));
            inbound.read();
            out.read();
        });
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        // Each Endpoint releases what it still held once its socket is closed.
        connections.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * One direction of one connection: chunks read from {@code source} wait here until they are due at
     * {@code destination}. The source's end of stream travels the same way, behind the last chunk.
     */
    private final class DelayedPipe {
        private final Channel source;
        private final Channel destination;
        private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
        private final ArrayDeque<Long> due = new ArrayDeque<>();
        private boolean sourceEnded;

        DelayedPipe(Channel source, Channel destination) {
            this.source = source;
            this.destination = destination;
        }

        void add(ByteBuf chunk) {
            if (!destination.isOpen()) {
                chunk.release();
                return;
            }
            chunks.add(chunk);
            due.add(System.nanoTime() + delayNanos);
            source.eventLoop().schedule(this::deliverDue, delayNanos, TimeUnit.NANOSECONDS);
        }

        void sourceEnded() {
            sourceEnded = true;
            source.eventLoop().schedule(this::deliverDue, delayNanos, TimeUnit.NANOSECONDS);
        }

        private void deliverDue() {
            long now = System.nanoTime();
            boolean wrote = false;
            while (!chunks.isEmpty() && due.peek() - now <= 0) {
                due.poll();
                destination.write(chunks.poll());
                wrote = true;
            }
            if (wrote) {
                destination.flush();
            }
            if (sourceEnded && chunks.isEmpty()) {
                destination.close();
            }
        }

        /** Reading goes on only while the destination keeps up; otherwise its drain resumes it. */
        void readMoreIfDestinationKeepsUp() {
            if (destination.isWritable()) {
                source.read();
            }
        }

        void destinationDrained() {
            if (source.isActive()) {
                source.read();
            }
        }

        void releaseAll() {
            for (ByteBuf chunk; (chunk = chunks.poll()) != null; ) {
                ReferenceCountUtil.release(chunk);
            }
            due.clear();
        }
    }

    /** The handler on each socket: feeds the pipe it reads into and owns the pipe it is written from. */
    private static final class Endpoint extends ChannelInboundHandlerAdapter {
        private final DelayedPipe reading;
        private final DelayedPipe writing;

        Endpoint(DelayedPipe reading, DelayedPipe writing) {
            this.reading = reading;
            this.writing = writing;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            reading.add((ByteBuf) msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            reading.readMoreIfDestinationKeepsUp();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                writing.destinationDrained();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            reading.sourceEnded();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            // This socket is gone: what was still on its way to it can never be delivered.
            writing.releaseAll();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
