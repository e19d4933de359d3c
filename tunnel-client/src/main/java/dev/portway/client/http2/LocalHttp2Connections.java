package dev.portway.client.http2;

import dev.portway.client.tls.ClientTls;
import dev.portway.monitor.TunnelTraffic;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelStream;
import dev.portway.protocol.relay.Bandwidth;
import dev.portway.protocol.relay.ByteCountingHandler;
import dev.portway.protocol.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP/2 connections of one tunnel to its local service ({@code backendProtocol: h2c | h2}) on one tunnel
 * session: every request its streams carry becomes an HTTP/2 stream on one of them ({@link StreamBridge}). A
 * connection takes as many streams at once as the service allows (its {@code SETTINGS_MAX_CONCURRENT_STREAMS}), at
 * most {@link #MAX_STREAMS_PER_CONNECTION}; when all are full another is opened, up to {@link #MAX_CONNECTIONS}, and
 * beyond that a request is refused (the public client gets 502) rather than queued.
 *
 * <p>Each connection reads with auto-read on: HTTP/2 flow control bounds what the service may send ahead
 * ({@link #INITIAL_WINDOW} per stream, as much per connection as its streams' windows), and a stream's window is
 * given back only as its answer goes on to the tunnel. Response header lists are held to
 * {@link Http1Side#MAX_HEADER_SIZE}. Bytes are counted for the tunnel's meters and held to its bandwidth limit on
 * the connections themselves.
 *
 * <p>Threading: confined to {@code loop}, the session's event loop, on which the connections and their streams run.
 * Closing: a connection the service closes leaves the pool; one it sends GOAWAY on takes no new streams and closes
 * after its last; {@link #retire} (the session ended, whose streams are reset with it, or the tunnel was changed)
 * closes each connection once its last stream ended.
 */
public final class LocalHttp2Connections {
    /** Sharable: its per-stream state lives on the stream channel. */
    private static final Http2StreamFrameToHttpObjectCodec STREAM_CODEC = new Http2StreamFrameToHttpObjectCodec(false);

    private static final Logger log = LoggerFactory.getLogger(LocalHttp2Connections.class);
    static final int MAX_STREAMS_PER_CONNECTION = 100;
    static final int MAX_CONNECTIONS = 8;
    static final int INITIAL_WINDOW = 256 * 1024;

    /** The tunnel's connections are all busy with as many streams as they may carry. */
    static final class BusyException extends IOException {
        BusyException(String message) {
            super(message);
        }
    }

    private final String tunnel;
    private final HostPort target;
    /** Null for h2c. */
    private final ClientTls tls;
    private final Transport transport;
    private final Duration dialTimeout;
    private final EventLoop loop;
    private final TunnelTraffic traffic;
    private final Bandwidth bandwidth;
    private final List<Connection> connections = new ArrayList<>();
    private boolean retired;

    /**
     * @param tls       how the service's certificate is checked (ALPN h2); null speaks h2c
     * @param bandwidth the tunnel's shared limit; null for none
     */
    public LocalHttp2Connections(String tunnel, HostPort target, ClientTls tls, Transport transport,
                                 Duration dialTimeout, EventLoop loop, TunnelTraffic traffic, Bandwidth bandwidth) {
        this.tunnel = tunnel;
        this.target = target;
        this.tls = tls;
        this.transport = transport;
        this.dialTimeout = dialTimeout;
        this.loop = loop;
        this.traffic = traffic;
        this.bandwidth = bandwidth;
    }

    /** The handler of a stream the server opened for this tunnel. */
    public StreamHandler bridge(TunnelStream stream) {
        return new StreamBridge(stream, this,
                "tunnel=" + tunnel + " stream=" + stream.id() + " peer=" + stream.open().peer());
    }

    HostPort target() {
        return target;
    }

    /** Opens an HTTP/2 stream whose HTTP messages go to {@code handler}; auto-read is off on it. */
    Future<Http2StreamChannel> openStream(ChannelInboundHandlerAdapter handler) {
        Promise<Http2StreamChannel> promise = loop.newPromise();
        if (retired) {
            return promise.setFailure(new IOException("tunnel " + tunnel + " was changed or its session ended"));
        }
        Connection chosen = null;
        for (Connection connection : connections) {
            if (connection.takesMore()) {
                chosen = connection;
                break;
            }
        }
        if (chosen == null) {
            if (connections.size() >= MAX_CONNECTIONS) {
                log.warn("[tunnel={}] refusing a request: {} HTTP/2 connections to {} carry all the streams they "
                        + "may", tunnel, connections.size(), target);
                return promise.setFailure(new BusyException("all " + MAX_CONNECTIONS + " connections carry as many "
                        + "streams as they may"));
            }
            chosen = new Connection();
            connections.add(chosen);
        }
        chosen.open(handler, promise);
        return promise;
    }

    /** Takes no more streams, and closes each connection as its last stream ends. */
    public void retire() {
        if (loop.inEventLoop()) {
            retired = true;
            List.copyOf(connections).forEach(Connection::closeIfIdle);
        } else {
            loop.execute(this::retire);
        }
    }

    /** One connection to the local service; usable once {@link #ready} succeeded. */
    private final class Connection {
        private final Channel channel;
        private final Promise<Channel> ready;
        private Http2FrameCodec codec;
        private int streams;
        private boolean goingAway;

        Connection() {
            ready = loop.newPromise();
            ChannelFuture connect = new Bootstrap()
                    .group(loop)
                    .channel(transport.socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) dialTimeout.toMillis())
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            pipeline(ch);
                        }
                    })
                    .connect(target.host(), target.port());
            channel = connect.channel();
            channel.closeFuture().addListener(f -> {
                connections.remove(this);
                ready.tryFailure(new IOException("connection closed"));
                log.debug("[tunnel={}] HTTP/2 connection to {} closed", tunnel, target);
            });
            connect.addListener(f -> {
                if (!f.isSuccess()) {
                    ready.tryFailure(f.cause());
                } else if (tls == null) {
                    ready.trySuccess(channel);
                }
            });
        }

        private void pipeline(Channel ch) {
            ChannelPipeline pipeline = ch.pipeline();
            // Directions as for a relayed local connection: written to the service is "in", read from it "out".
            pipeline.addLast(new ByteCountingHandler(traffic::bytesOut, traffic::bytesIn));
            if (bandwidth != null) {
                pipeline.addLast(bandwidth.throttle());
            }
            if (tls != null) {
                SslHandler ssl = tls.newHandler(ch.alloc(), target.host(), target.port());
                pipeline.addLast(ssl);
                ssl.handshakeFuture().addListener(f -> {
                    if (!f.isSuccess()) {
                        ready.tryFailure(f.cause());
                    } else if (!ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
                        ready.tryFailure(new IOException("the local service did not agree to HTTP/2 by ALPN (got "
                                + ssl.applicationProtocol() + ")"));
                        ch.close();
                    } else {
                        ready.trySuccess(ch);
                    }
                });
            }
            codec = Http2FrameCodecBuilder.forClient()
                    .initialSettings(Http2Settings.defaultSettings()
                            .pushEnabled(false)
                            .initialWindowSize(INITIAL_WINDOW)
                            .maxHeaderListSize(Http1Side.MAX_HEADER_SIZE))
                    .build();
            pipeline.addLast(codec);
            pipeline.addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel pushed) {
                    pushed.close(); // never asked for: push is off in our settings
                }
            }));
            pipeline.addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Http2GoAwayFrame) {
                        goingAway = true;
                        log.debug("[tunnel={}] the local service sent GOAWAY; no new streams on this connection",
                                tunnel);
                        closeIfIdle();
                    }
                    ReferenceCountUtil.release(msg);
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    log.debug("[tunnel={}] HTTP/2 connection to {} failed: {}", tunnel, target, cause.toString());
                    ctx.close();
                }
            });
        }

        boolean takesMore() {
            if (goingAway || !channel.isOpen()) {
                return false;
            }
            int allowed = MAX_STREAMS_PER_CONNECTION;
            if (codec != null) {
                allowed = Math.min(allowed, codec.connection().local().maxActiveStreams());
            }
            return streams < allowed;
        }

        void open(ChannelInboundHandlerAdapter handler, Promise<Http2StreamChannel> promise) {
            streams++;
            ready.addListener(f -> {
                if (!f.isSuccess()) {
                    streamEnded();
                    promise.tryFailure(f.cause());
                    return;
                }
                new Http2StreamChannelBootstrap(channel)
                        .option(ChannelOption.AUTO_READ, false)
                        .handler(new ChannelInitializer<Http2StreamChannel>() {
                            @Override
                            protected void initChannel(Http2StreamChannel ch) {
                                ch.pipeline().addLast(STREAM_CODEC, handler);
                            }
                        })
                        .open()
                        .addListener((Future<Http2StreamChannel> opened) -> {
                            if (!opened.isSuccess()) {
                                streamEnded();
                                promise.tryFailure(opened.cause());
                                return;
                            }
                            opened.getNow().closeFuture().addListener(closed -> streamEnded());
                            if (!promise.trySuccess(opened.getNow())) {
                                opened.getNow().close();
                            }
                        });
            });
        }

        private void streamEnded() {
            streams--;
            closeIfIdle();
        }

        void closeIfIdle() {
            if (streams == 0 && (retired || goingAway)) {
                channel.close();
            }
        }
    }
}
