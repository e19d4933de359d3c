package dev.portway.server.admin;

import dev.portway.server.config.LimitsConfig;
import dev.portway.server.limits.SourceLimits;
import dev.portway.protocol.transport.Transport;
import dev.portway.server.config.AdminConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The operator's HTTP/1.1 listener ({@code admin.bind}:{@code admin.port}). Pipeline, in order: HTTP codec,
 * aggregator (requests are small), flow control (hands on the requests of one read one at a time, and none while
 * auto-read is off, which {@link AdminHttpHandler} turns off while the peer does not take its answers), idle
 * timeout, {@link AdminHttpHandler}. It runs on an event loop of its own so
 * that a scrape, which takes a few milliseconds of CPU, never delays tunnel traffic, and tunnel traffic never
 * delays a scrape.
 */
public final class AdminServer implements AutoCloseable {
    public static final String HTTP_CODEC = "http-codec";
    public static final String AGGREGATOR = "http-aggregator";
    public static final String FLOW_CONTROL = "flow-control";
    public static final String IDLE_TIMEOUT = "idle-timeout";
    public static final String HANDLER = "admin";

    private static final int MAX_INITIAL_LINE = 4096;
    private static final int MAX_HEADER_SIZE = 8192;
    /** Enough for any request to {@code /metrics} and {@code /healthz}, which carry no body. */
    public static final int DEFAULT_MAX_BODY = 64 * 1024;
    private static final int IDLE_SECONDS = 60;

    private final AdminConfig config;
    private final EventLoopGroup group;
    private final ServerBootstrap bootstrap;
    private Channel listener;

    public AdminServer(AdminConfig config, Transport transport, EventLoopGroup acceptGroup, AdminRouter router) {
        this(config, transport, acceptGroup, router, DEFAULT_MAX_BODY,
                new SourceLimits("admin", LimitsConfig.DEFAULT_CONNECTIONS_PER_SOURCE, 0, source -> { }));
    }

    /**
     * @param maxBody larger request bodies are refused with 413 by the aggregator before they are buffered
     * @param limits  connections one address may hold open
     */
    public AdminServer(AdminConfig config, Transport transport, EventLoopGroup acceptGroup, AdminRouter router,
                       int maxBody, SourceLimits limits) {
        this.config = config;
        this.group = transport.newGroup(1, "portway-admin");
        AdminHttpHandler handler = new AdminHttpHandler(router);
        this.bootstrap = new ServerBootstrap()
                .group(acceptGroup, group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(limits.guard(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(HTTP_CODEC, new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, DEFAULT_MAX_BODY))
                                .addLast(AGGREGATOR, new HttpObjectAggregator(maxBody))
                                .addLast(FLOW_CONTROL, new FlowControlHandler())
                                .addLast(IDLE_TIMEOUT, new ReadTimeoutHandler(IDLE_SECONDS, TimeUnit.SECONDS))
                                .addLast(HANDLER, handler);
                    }
                }));
    }

    public InetSocketAddress bind() throws InterruptedException {
        listener = bootstrap.bind(config.bind(), config.port()).sync().channel();
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
