package dev.portway.server.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.HttpConversionUtil;

import java.util.List;

/**
 * Makes the request an HTTP/2 stream's codec built out of a HEADERS frame look like one read from HTTP/1.1: the
 * codec's own {@code x-http2-*} fields go (they name this hop's stream, not anything the local service should see),
 * and a {@code host} field that repeats {@code :authority} is kept once. A {@code host} that differs from it stays,
 * twice, and the proxy refuses the request as it refuses two Host fields.
 *
 * <p>Threading: stateless and shared. Reference counting: passes every message on.
 */
@ChannelHandler.Sharable
final class Http2RequestHeads extends ChannelInboundHandlerAdapter {
    /** The codec's own {@code x-http2-*} fields; {@code values()} would copy the array on every request. */
    private static final HttpConversionUtil.ExtensionHeaderNames[] CODEC_FIELDS =
            HttpConversionUtil.ExtensionHeaderNames.values();

    static final Http2RequestHeads INSTANCE = new Http2RequestHeads();

    private Http2RequestHeads() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            clean(request.headers());
        }
        ctx.fireChannelRead(msg);
    }

    static void clean(HttpHeaders headers) {
        for (HttpConversionUtil.ExtensionHeaderNames name : CODEC_FIELDS) {
            headers.remove(name.text());
        }
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1 && hosts.stream().allMatch(hosts.get(0)::equalsIgnoreCase)) {
            headers.set(HttpHeaderNames.HOST, hosts.get(0));
        }
    }
}
