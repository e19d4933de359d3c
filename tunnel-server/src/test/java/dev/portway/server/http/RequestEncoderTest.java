package dev.portway.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RequestEncoderTest {
    private final RequestEncoder encoder = new RequestEncoder(UnpooledByteBufAllocator.DEFAULT);
    private final StringBuilder wire = new StringBuilder();

    private void encode(HttpObject message) {
        encoder.encode(message, bytes -> {
            wire.append(bytes.toString(StandardCharsets.ISO_8859_1));
            bytes.release();
        });
    }

    private static HttpContent content(String text, boolean last) {
        ByteBuf bytes = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
        return last ? new DefaultLastHttpContent(bytes) : new DefaultHttpContent(bytes);
    }

    @Test
    void aRequestWithoutBodyIsItsHead() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a?b=%20c");
        request.headers().add("Host", "app.example").add("X-Latin", "caf\u00e9");
        encode(request);
        encode(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(wire.toString())
                .isEqualTo("GET /a?b=%20c HTTP/1.1\r\nHost: app.example\r\nX-Latin: caf\u00e9\r\n\r\n");
    }

    @Test
    void aBodyWithContentLengthPassesAsItIs() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.POST, "/up");
        request.headers().add("Content-Length", "10");
        encode(request);
        encode(content("hello", false));
        encode(content("world", true));
        assertThat(wire.toString()).isEqualTo("POST /up HTTP/1.0\r\nContent-Length: 10\r\n\r\nhelloworld");
    }

    @Test
    void aChunkedBodyIsChunkedAgainWithItsTrailers() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/up");
        request.headers().add("Transfer-Encoding", "chunked");
        encode(request);
        encode(content("0123456789abcdefX", false));
        encode(content("", false));
        LastHttpContent last = (LastHttpContent) content("end", true);
        last.trailingHeaders().add("X-Checksum", "42");
        encode(last);
        String expected = "PUT /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "11\r\n0123456789abcdefX\r\n3\r\nend\r\n0\r\nX-Checksum: 42\r\n\r\n";
        assertThat(wire.toString()).isEqualTo(expected);

        // What Netty's own decoder reads back is the same request.
        EmbeddedChannel decoder = new EmbeddedChannel(new HttpRequestDecoder());
        decoder.writeInbound(Unpooled.copiedBuffer(expected, StandardCharsets.ISO_8859_1));
        HttpRequest decoded = decoder.readInbound();
        assertThat(decoded.uri()).isEqualTo("/up");
        StringBuilder body = new StringBuilder();
        Object part;
        LastHttpContent end = null;
        while ((part = decoder.readInbound()) != null) {
            HttpContent chunk = (HttpContent) part;
            body.append(chunk.content().toString(StandardCharsets.ISO_8859_1));
            if (chunk instanceof LastHttpContent lastChunk) {
                end = lastChunk;
            }
            chunk.release();
        }
        assertThat(body.toString()).isEqualTo("0123456789abcdefXend");
        assertThat(end).isNotNull();
        assertThat(end.trailingHeaders().get("X-Checksum")).isEqualTo("42");
        assertThat(decoder.finish()).isFalse();
    }
}
