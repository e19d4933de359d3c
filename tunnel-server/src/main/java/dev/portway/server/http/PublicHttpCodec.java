package dev.portway.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

/**
 * HTTP/1.x on a public connection: Netty's server codec with the framing rules a proxy must enforce. Netty accepts
 * a request with both Content-Length and Transfer-Encoding by dropping the length (RFC 9112 allows that to an
 * origin server); a proxy must not, because the local service behind it may read the request the other way
 * (request smuggling). Such a request comes out as a failed {@link HttpRequest} ({@code decoderResult()}), as do
 * differing Content-Lengths, too long headers and a malformed start line.
 *
 * <p>Like {@code HttpServerCodec} it remembers each request's method so that the answer to a HEAD request is
 * encoded without a body.
 *
 * <p>Threading: one instance per channel, used on its event loop only. Reference counting: as Netty's codecs.
 */
final class PublicHttpCodec extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {
    static final String AMBIGUOUS_FRAMING = "both Content-Length and Transfer-Encoding";

    private final Queue<HttpMethod> methods = new ArrayDeque<>();

    PublicHttpCodec(int maxHeaderSize) {
        HttpDecoderConfig config = new HttpDecoderConfig()
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxInitialLineLength(Math.min(maxHeaderSize, 16 * 1024))
                .setAllowDuplicateContentLengths(false);
        init(new RequestDecoder(config), new ResponseEncoder());
    }

    private final class RequestDecoder extends HttpRequestDecoder {
        RequestDecoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            int before = out.size();
            super.decode(ctx, buffer, out);
            for (int i = before; i < out.size(); i++) {
                if (out.get(i) instanceof HttpRequest request) {
                    methods.add(request.method());
                }
            }
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            throw new IllegalArgumentException(AMBIGUOUS_FRAMING);
        }
    }

    private final class ResponseEncoder extends HttpResponseEncoder {
        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse response) {
            HttpMethod method = null;
            // An interim answer (100 Continue) is followed by the request's real answer, which takes the method.
            if (response.status().codeClass() != HttpStatusClass.INFORMATIONAL || response.status().code() == 101) {
                method = methods.poll();
            }
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(response);
        }
    }
}
