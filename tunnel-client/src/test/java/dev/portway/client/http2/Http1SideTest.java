package dev.portway.client.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class Http1SideTest {
    private final Http1Side side = new Http1Side();
    private final List<HttpObject> decoded = new ArrayList<>();

    @AfterEach
    void tearDown() {
        decoded.forEach(ReferenceCountUtil::release);
        side.close();
    }

    @Test
    void aChunkedRequestWithTrailersSplitIntoSingleBytesComesOutWhole() {
        String wire = "POST /pkg.Svc/Call HTTP/1.1\r\nHost: grpc.example.test\r\nTE: trailers\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nx-checksum: abc\r\n\r\n"
                + "GET /next HTTP/1.1\r\nHost: grpc.example.test\r\n\r\n";
        for (byte b : wire.getBytes(StandardCharsets.US_ASCII)) {
            side.decode(Unpooled.wrappedBuffer(new byte[]{b}), decoded::add);
        }
        List<HttpRequest> heads = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<LastHttpContent> ends = new ArrayList<>();
        for (HttpObject message : decoded) {
            assertThat(message.decoderResult().isSuccess()).isTrue();
            if (message instanceof HttpRequest request) {
                heads.add(request);
            }
            if (message instanceof HttpContent content && heads.size() == 1) {
                ByteBuf data = content.content();
                byte[] bytes = new byte[data.readableBytes()];
                data.getBytes(data.readerIndex(), bytes);
                body.writeBytes(bytes);
            }
            if (message instanceof LastHttpContent end) {
                ends.add(end);
            }
        }
        assertThat(heads).extracting(HttpRequest::uri).containsExactly("/pkg.Svc/Call", "/next");
        assertThat(heads.get(0).headers().get(HttpHeaderNames.TE)).isEqualTo("trailers");
        assertThat(body.toString(StandardCharsets.US_ASCII)).isEqualTo("hello world");
        assertThat(ends).hasSize(2);
        assertThat(ends.get(0).trailingHeaders().get("x-checksum")).isEqualTo("abc");
    }

    @Test
    void aRequestHeadAboveTheLimitComesOutFailed() {
        String wire = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "x".repeat(Http1Side.MAX_HEADER_SIZE) + "\r\n\r\n";
        side.decode(Unpooled.copiedBuffer(wire, StandardCharsets.US_ASCII), decoded::add);
        assertThat(decoded).isNotEmpty();
        assertThat(decoded.get(0).decoderResult().isFailure()).isTrue();
    }

    @Test
    void aChunkedAnswerIsWrittenWithItsTrailers() {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/grpc")
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        LastHttpContent end = new DefaultLastHttpContent();
        end.trailingHeaders().set("grpc-status", "0").set("grpc-message", "ok");
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (HttpObject message : List.of(head, new DefaultHttpContent(Unpooled.copiedBuffer("abc",
                StandardCharsets.US_ASCII)), end)) {
            side.encode(message, bytes -> {
                byte[] copy = new byte[bytes.readableBytes()];
                bytes.readBytes(copy);
                bytes.release();
                wire.writeBytes(copy);
            });
        }
        assertThat(wire.toString(StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200 OK\r\n"
                + "content-type: application/grpc\r\ntransfer-encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n0\r\ngrpc-status: 0\r\ngrpc-message: ok\r\n\r\n");
    }
}
