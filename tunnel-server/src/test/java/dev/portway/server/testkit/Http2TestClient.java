package dev.portway.server.testkit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

import java.io.ByteArrayOutputStream;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/2 client on Netty's codec, for tests of the public web ports: over TLS with ALPN {@code h2} and SNI, or in
 * cleartext with prior knowledge. Each {@link #send} is a stream of its own; its {@link Exchange} completes with the
 * answer, or with the stream's reset.
 */
public final class Http2TestClient implements AutoCloseable {
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    /** The error code of the GOAWAY the server sent, once it did. */
    private final CompletableFuture<Long> goAway = new CompletableFuture<>();

    /** What came back on one stream. */
    public record Answer(Http2Headers headers, byte[] body, Http2Headers trailers, Long resetCode) {
        public int status() {
            return Integer.parseInt(headers.status().toString());
        }

        public String header(String name) {
            CharSequence value = headers.get(name);
            return value == null ? null : value.toString();
        }
    }

    /**
     * @param ca  the CA to trust for TLS with SNI {@code sni}; null: cleartext with prior knowledge
     */
    public Http2TestClient(int port, X509Certificate ca, String sni) throws Exception {
        SslContext tls = ca == null ? null : SslContextBuilder.forClient()
                .trustManager(ca)
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
                .build();
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), sni, port));
                        }
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new SimpleChannelInboundHandler<Object>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                        // Streams the server opens (pushes): none expected.
                                    }
                                }),
                                new SimpleChannelInboundHandler<Http2GoAwayFrame>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, Http2GoAwayFrame frame) {
                                        goAway.complete(frame.errorCode());
                                    }
                                });
                    }
                })
                .connect("127.0.0.1", port).sync().channel();
    }

    /** The GOAWAY error code the server closed with; waits for it. */
    public long goAwayCode() throws Exception {
        return goAway.get(20, TimeUnit.SECONDS);
    }

    /** Whether the connection is still open. */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Opens a stream and sends a request on it; {@code body} null: a request without a body. */
    public Exchange send(String method, String authority, String path, Map<String, String> headers, byte[] body)
            throws Exception {
        Exchange exchange = new Exchange();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(channel).handler(exchange).open().sync().getNow();
        exchange.stream = stream;
        Http2Headers head = new DefaultHttp2Headers().method(method).scheme("https").authority(authority).path(path);
        headers.forEach(head::add);
        boolean noBody = body == null;
        stream.write(new DefaultHttp2HeadersFrame(head, noBody));
        if (!noBody) {
            stream.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
        }
        stream.flush();
        return exchange;
    }

    /** A GET without a body; waits for its answer. */
    public Answer get(String authority, String path, Map<String, String> headers) throws Exception {
        return send("GET", authority, path, headers, null).answer();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One stream: the answer's parts as they come. */
    public static final class Exchange extends SimpleChannelInboundHandler<Http2StreamFrame> {
        private final CompletableFuture<Answer> answer = new CompletableFuture<>();
        private final CompletableFuture<Http2Headers> head = new CompletableFuture<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private Http2Headers headers;
        private Http2StreamChannel stream;

        public Answer answer() throws Exception {
            return answer.get(30, TimeUnit.SECONDS);
        }

        /** The answer's head, before its body. */
        public Http2Headers head() throws Exception {
            return head.get(30, TimeUnit.SECONDS);
        }

        /** Resets the stream (RST_STREAM CANCEL). */
        public void cancel() {
            stream.close();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            if (frame instanceof Http2HeadersFrame h) {
                if (headers == null && h.headers().status() != null && h.headers().status().charAt(0) == '1') {
                    return;
                }
                if (headers == null) {
                    headers = h.headers();
                    head.complete(headers);
                    if (h.isEndStream()) {
                        answer.complete(new Answer(headers, body.toByteArray(), null, null));
                    }
                } else {
                    answer.complete(new Answer(headers, body.toByteArray(), h.headers(), null));
                }
            } else if (frame instanceof Http2DataFrame data) {
                ByteBuf content = data.content();
                byte[] bytes = new byte[content.readableBytes()];
                content.readBytes(bytes);
                body.writeBytes(bytes);
                if (data.isEndStream()) {
                    answer.complete(new Answer(headers, body.toByteArray(), null, null));
                }
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            // The stream's channel reports a reset as an event, not as a frame read.
            if (evt instanceof Http2ResetFrame reset) {
                answer.complete(new Answer(headers, body.toByteArray(), null, reset.errorCode()));
                head.completeExceptionally(new IllegalStateException("reset: " + reset.errorCode()));
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            answer.completeExceptionally(new IllegalStateException("stream closed without an answer"));
            head.completeExceptionally(new IllegalStateException("stream closed without an answer"));
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            answer.completeExceptionally(cause);
            head.completeExceptionally(cause);
        }
    }
}
