package dev.portway.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class PublicHttpCodecTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(new PublicHttpCodec(1024));

    private HttpRequest decode(String wire) {
        // Split at an awkward place: the decoder must not care.
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        int half = bytes.length / 2 + 1;
        channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, half));
        channel.writeInbound(Unpooled.wrappedBuffer(bytes, half, bytes.length - half));
        return channel.readInbound();
    }

    @Test
    void contentLengthWithTransferEncodingIsRejected() {
        HttpRequest request = decode("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertThat(request.decoderResult().isFailure()).isTrue();
        assertThat(request.decoderResult().cause()).hasMessageContaining(PublicHttpCodec.AMBIGUOUS_FRAMING);
        ReferenceCountUtil.release(request);
        channel.finishAndReleaseAll();
    }

    @Test
    void differingContentLengthsAreRejected() {
        HttpRequest request = decode("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n");
        assertThat(request.decoderResult().isFailure()).isTrue();
        ReferenceCountUtil.release(request);
        channel.finishAndReleaseAll();
    }

    @Test
    void headersAboveTheLimitFailAsTooLong() {
        HttpRequest request = decode("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "x".repeat(2000) + "\r\n\r\n");
        assertThat(request.decoderResult().cause()).isInstanceOf(TooLongHttpHeaderException.class);
        ReferenceCountUtil.release(request);
        channel.finishAndReleaseAll();
    }

    @Test
    void bytesPassTheEncoderUntouchedBetweenEncodedAnswers() {
        channel.writeOutbound(Unpooled.copiedBuffer("HTTP/1.1 204 No Content\r\n\r\n", StandardCharsets.US_ASCII));
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        channel.writeOutbound(response);
        StringBuilder wire = new StringBuilder();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            wire.append(out.toString(StandardCharsets.ISO_8859_1));
            out.release();
        }
        assertThat(wire.toString()).isEqualTo("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
        assertThat(channel.finish()).isFalse();
    }
}
