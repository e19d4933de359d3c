package dev.portway.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * HTTP/1.x on a public connection: Netty's server codec with the framing rules a proxy must enforce. Netty accepts
 * a request with both Content-Length and Transfer-Encoding by dropping the length (RFC 9112 allows that to an
 * origin server); a proxy must not, because the local service behind it may read the request the other way
 * (request smuggling). Such a request comes out as a failed {@link HttpRequest} ({@code decoderResult()}), as do
 * differing Content-Lengths, too long headers and a malformed start line.
 *
 * <p>Answers relayed from local services arrive as bytes, framed already ({@link ResponseFramer}), and pass the
 * encoder untouched; it encodes only the server's own answers, whose body the proxy leaves out for a HEAD request.
 *
 * <p>Threading: one instance per channel, used on its event loop only. Reference counting: as Netty's codecs.
 */
final class PublicHttpCodec extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {
    static final String AMBIGUOUS_FRAMING = "both Content-Length and Transfer-Encoding";

    PublicHttpCodec(int maxHeaderSize) {
        HttpDecoderConfig config = new HttpDecoderConfig()
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxInitialLineLength(Math.min(maxHeaderSize, 16 * 1024))
                .setAllowDuplicateContentLengths(false);
        init(new RequestDecoder(config), new ResponseEncoder());
    }

    private static final class RequestDecoder extends HttpRequestDecoder {
        RequestDecoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            throw new IllegalArgumentException(AMBIGUOUS_FRAMING);
        }
    }

    private static final class ResponseEncoder extends HttpResponseEncoder {
        @Override
        public boolean acceptOutboundMessage(Object msg) throws Exception {
            return !(msg instanceof ByteBuf) && super.acceptOutboundMessage(msg);
        }
    }
}
