package dev.portway.benchmarks.load;

import dev.portway.protocol.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;

import java.net.InetSocketAddress;

/** The few bootstraps the load tool needs, on the same transport (epoll or NIO) Portway itself uses. */
final class Netty {
    static final Transport TRANSPORT = Transport.detect();

    private Netty() {
    }

    static EventLoopGroup group(int threads, String name) {
        return TRANSPORT.newGroup(threads, name);
    }

    /** Binds {@code 127.0.0.1:port} (0: any free port) with one handler instance factory per accepted channel. */
    static Channel listen(EventLoopGroup group, int port, java.util.function.Supplier<ChannelHandler> handler)
            throws InterruptedException {
        return new ServerBootstrap()
                .group(group)
                .channel(TRANSPORT.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(handler.get());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port))
                .sync()
                .channel();
    }

    static Bootstrap client(EventLoopGroup group) {
        return new Bootstrap()
                .group(group)
                .channel(TRANSPORT.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
    }
}
