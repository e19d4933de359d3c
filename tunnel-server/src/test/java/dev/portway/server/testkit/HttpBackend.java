package dev.portway.server.testkit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local web service for http tunnels to expose, on loopback:
 * <ul>
 * <li>{@code /silent}: never answers;</li>
 * <li>{@code /upload}: answers {@code <sha256 hex> <bytes>} of the request body, hashed as it streams in;</li>
 * <li>{@code /download?bytes=N&seed=S}: streams {@link PatternStream}{@code (S, N)} with a Content-Length;</li>
 * <li>{@code /close}: answers {@code closing} with {@code Connection: close} and closes;</li>
 * <li>{@code /chunked}: answers {@code alpha beta gamma} in three chunks;</li>
 * <li>{@code /gzip}: answers {@link #GZIP_JSON} compressed with gzip ({@code Content-Encoding: gzip});</li>
 * <li>anything else: a text page of {@code backend}, {@code method}, {@code uri} and every request header as
 * {@code name: value} lines (headers only for HEAD).</li>
 * </ul>
 * Counts the connections it accepted, so tests can tell whether a local connection was reused.
 */
public final class HttpBackend implements AutoCloseable {
    private final String name;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final AtomicInteger connections = new AtomicInteger();
    /** What {@code /gzip} answers, before compression. */
    public static final String GZIP_JSON = "{\"compressed\":true,\"items\":[1,2,3],\"text\":\"" + "gzip ".repeat(200)
            + "\"}";

    public HttpBackend(String name) throws InterruptedException {
        this.name = name;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerExpectContinueHandler(),
                                new Handler());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public int connectionsAccepted() {
        return connections.get();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<HttpObject> {
        private HttpRequest request;
        /** The rest of a download, written while the connection is writable. */
        private PatternStream download;
        private MessageDigest upload;
        private long uploaded;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest r) {
                request = r;
                String path = new QueryStringDecoder(r.uri()).path();
                if (path.equals("/upload")) {
                    upload = PatternStream.newSha256();
                    uploaded = 0;
                }
            }
            if (msg instanceof HttpContent content && upload != null) {
                byte[] bytes = new byte[content.content().readableBytes()];
                content.content().readBytes(bytes);
                upload.update(bytes);
                uploaded += bytes.length;
            }
            if (msg instanceof LastHttpContent) {
                answer(ctx);
            }
        }

        private void answer(ChannelHandlerContext ctx) {
            QueryStringDecoder query = new QueryStringDecoder(request.uri());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            switch (query.path()) {
                case "/silent" -> {
                }
                case "/close" -> send(ctx, text("closing"), false);
                case "/upload" -> {
                    String body = HexFormat.of().formatHex(upload.digest()) + " " + uploaded;
                    upload = null;
                    send(ctx, text(body), keepAlive);
                }
                case "/download" -> {
                    long bytes = Long.parseLong(param(query, "bytes"));
                    long seed = Long.parseLong(param(query, "seed"));
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    HttpUtil.setContentLength(head, bytes);
                    ctx.write(head);
                    download = new PatternStream(seed, bytes);
                    writeDownload(ctx);
                }
                case "/chunked" -> {
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    HttpUtil.setTransferEncodingChunked(head, true);
                    ctx.write(head);
                    ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("alpha ", StandardCharsets.UTF_8)));
                    ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("beta ", StandardCharsets.UTF_8)));
                    ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.copiedBuffer("gamma", StandardCharsets.UTF_8)));
                }
                case "/gzip" -> {
                    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.OK, Unpooled.wrappedBuffer(gzip(GZIP_JSON)));
                    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                            .set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP)
                            .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
                    send(ctx, response, keepAlive);
                }
                default -> {
                    StringBuilder body = new StringBuilder()
                            .append("backend: ").append(name).append('\n')
                            .append("method: ").append(request.method()).append('\n')
                            .append("uri: ").append(request.uri()).append('\n');
                    for (Map.Entry<String, String> header : request.headers()) {
                        body.append(header.getKey()).append(": ").append(header.getValue()).append('\n');
                    }
                    FullHttpResponse response = text(body.toString());
                    response.headers().set("Server", "test-backend");
                    if (request.method().equals(HttpMethod.HEAD)) {
                        response.content().clear();
                    }
                    send(ctx, response, keepAlive);
                }
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writeDownload(ctx);
            ctx.fireChannelWritabilityChanged();
        }

        private void writeDownload(ChannelHandlerContext ctx) {
            byte[] chunk = new byte[64 * 1024];
            while (download != null && ctx.channel().isWritable()) {
                int n = download.read(chunk, 0, chunk.length);
                if (n < 0) {
                    download = null;
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                } else {
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(chunk, 0, n)));
                }
            }
        }

        private static byte[] gzip(String text) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(bytes)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        private static String param(QueryStringDecoder query, String name) {
            return query.parameters().get(name).get(0);
        }

        private FullHttpResponse text(String body) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            return response;
        }

        private void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            if (keepAlive) {
                if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                }
                ctx.writeAndFlush(response);
            } else {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
