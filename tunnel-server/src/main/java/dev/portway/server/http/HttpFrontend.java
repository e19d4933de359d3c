package dev.portway.server.http;

import dev.portway.protocol.relay.BandwidthThrottle;
import dev.portway.monitor.TunnelMetrics;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.limits.UserCeiling;
import dev.portway.server.proxyprotocol.ProxyProtocolInbound;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;

/**
 * Serves public HTTP on a connection: installs the handlers of {@link HttpPipeline} that parse requests, route
 * them through the {@link HttpVhostRouter} and carry them to the tunnels' clients. The plain HTTP listener uses
 * {@link #initializer()}; an HTTPS listener calls {@link #install} once TLS is decrypted, with {@code secure} true
 * so that local services see {@code X-Forwarded-Proto: https}. The plain listener reads a PROXY header first when
 * the peer is a trusted proxy ({@link ProxyProtocolInbound}); the address in it is the one X-Forwarded-For names.
 *
 * <p>Threading: shared by every public connection. A reload ({@link #reconfigure}) swaps the limits and pages in one
 * step; each connection keeps those it was installed with, so a request never changes rules half-way.
 */
public final class HttpFrontend {
    /** Sharable: its per-stream state lives on the stream channel. */
    private static final Http2StreamFrameToHttpObjectCodec STREAM_CODEC = new Http2StreamFrameToHttpObjectCodec(true);

    /** What a reload may change, read once per connection. */
    private record Settings(HttpConfig config, ErrorPages pages) {
    }

    private volatile Settings settings;
    private final HttpVhostRouter router;
    private final WellKnownAnswers wellKnown;
    private final TunnelMetrics metrics;
    private final ProxyProtocolInbound proxyProtocol;
    private final ServedLoopGroup webLoops;
    private final UserCeiling streams;
    private final Http2Refusals refusals;

    /**
     * @param proxyProtocol whom to believe about a plain HTTP connection's real peer
     * @param webLoops      the loops the web listeners register connections on, told which carrier serves requests
     * @param streams       {@code limits.streamsPerUser}, shared with the TCP tunnels
     * @param wellKnown     requests answered before routing (ACME HTTP-01)
     */
    public HttpFrontend(HttpConfig config, HttpVhostRouter router, ErrorPages pages, TunnelMetrics metrics,
                        ProxyProtocolInbound proxyProtocol, ServedLoopGroup webLoops, UserCeiling streams,
                        WellKnownAnswers wellKnown) {
        this.settings = new Settings(config, pages);
        this.router = router;
        this.wellKnown = wellKnown;
        this.metrics = metrics;
        this.proxyProtocol = proxyProtocol;
        this.webLoops = webLoops;
        this.streams = streams;
        this.refusals = new Http2Refusals(metrics);
    }

    /** Connections accepted from now on get {@code config}'s timeouts and header limit and {@code pages}. */
    public void reconfigure(HttpConfig config, ErrorPages pages) {
        settings = new Settings(config, pages);
    }

    public HttpVhostRouter router() {
        return router;
    }

    /**
     * Adds the HTTP handlers at the end of {@code pipeline} and turns auto-read off: the proxy reads only as fast as
     * the tunnel's stream takes bytes. Call on the channel's event loop, or before it is registered.
     */
    public void install(ChannelPipeline pipeline, boolean secure) {
        pipeline.channel().config().setAutoRead(false);
        metrics.publicConnectionAccepted();
        Settings current = settings;
        HttpConfig config = current.config();
        RequestClock clock = newClock(config);
        BandwidthThrottle throttle = new BandwidthThrottle();
        pipeline.addLast(HttpPipeline.THROTTLE, throttle)
                .addLast(HttpPipeline.CLOCK, clock)
                .addLast(HttpPipeline.CODEC, new PublicHttpCodec(config.maxHeaderSize()))
                .addLast(HttpPipeline.PROXY, proxy(current, secure, clock, throttle, PublicResponses.HTTP1, null));
    }

    /**
     * Serves HTTP/2 on a connection whose next bytes are the client's connection preface (it chose {@code h2} by ALPN,
     * or sent the preface on the plain port): each stream is a request handled as an HTTP/1.1 one is, by its own
     * {@link HttpProxyHandler}; a backend stream whose exchange ended waits in the connection's {@link IdleBackends}
     * for the next stream to its tunnel. Call on the channel's event loop, with the channel active.
     */
    public void installHttp2(ChannelPipeline pipeline, boolean secure) {
        metrics.publicConnectionAccepted();
        Settings current = settings;
        HttpConfig config = current.config();
        BandwidthThrottle throttle = new BandwidthThrottle();
        IdleBackends idle = new IdleBackends();
        pipeline.channel().closeFuture().addListener(closed -> idle.close());
        pipeline.addLast(HttpPipeline.THROTTLE, throttle);
        Http2Connection.install(pipeline, config.http2(), config.maxHeaderSize(), config.idleTimeout(), refusals,
                stream -> {
                    stream.config().setAutoRead(false);
                    RequestClock clock = newClock(config);
                    stream.pipeline().addLast(HttpPipeline.STREAM_ERRORS, Http2StreamErrors.INSTANCE)
                            .addLast(HttpPipeline.STREAM_CODEC, STREAM_CODEC)
                            .addLast(HttpPipeline.STREAM_HEADS, Http2RequestHeads.INSTANCE)
                            .addLast(HttpPipeline.CLOCK, clock)
                            .addLast(HttpPipeline.PROXY, proxy(current, secure, clock, throttle, PublicResponses.HTTP2,
                                    idle));
                });
    }

    private HttpProxyHandler proxy(Settings current, boolean secure, RequestClock clock, BandwidthThrottle throttle,
                                   PublicResponses responses, IdleBackends idle) {
        return new HttpProxyHandler(router, wellKnown, current.pages(), metrics, secure ? "https" : "http", clock, webLoops,
                streams, throttle, responses, idle);
    }

    private static RequestClock newClock(HttpConfig config) {
        return new RequestClock(config.idleTimeout(), config.requestHeaderTimeout(), config.bodyIdleTimeout(),
                config.responseTimeout());
    }

    /**
     * For a plain HTTP listener's accepted connections: HTTP/1.x, or with {@code http.http2.cleartext} also HTTP/2
     * with prior knowledge, told apart by the first bytes ({@link PriorKnowledgeSniffer}).
     */
    public ChannelInitializer<Channel> initializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                proxyProtocol.install(ch).addListener(resolved -> {
                    if (!resolved.isSuccess()) {
                        return;
                    }
                    HttpConfig config = settings.config();
                    if (config.http2().cleartext()) {
                        ch.pipeline().addLast(PriorKnowledgeSniffer.NAME, new PriorKnowledgeSniffer(
                                config.idleTimeout(), http2 -> {
                                    if (http2) {
                                        installHttp2(ch.pipeline(), false);
                                    } else {
                                        install(ch.pipeline(), false);
                                    }
                                }));
                    } else {
                        install(ch.pipeline(), false);
                    }
                });
            }
        };
    }
}
