package dev.portway.server.admin;

import dev.portway.protocol.transport.Transport;
import dev.portway.server.config.AdminConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A peer that pipelines scrapes and never reads their answers: the admin listener stops reading once its write buffer
 * is over the high water mark, so it renders only as many answers as the socket buffers and that mark hold.
 */
@Timeout(60)
class PipeliningReaderIT {
    private static final int BODY = 8 * 1024;
    private static final int REQUESTS = 20_000;

    @Test
    void aPipelinerThatNeverReadsIsNotAnsweredWithoutBound() throws Exception {
        Transport transport = Transport.detect();
        EventLoopGroup accept = transport.newGroup(1, "test-accept");
        AtomicInteger rendered = new AtomicInteger();
        AdminRouter router = new AdminRouter().get("/metrics", (request, alloc) -> {
            rendered.incrementAndGet();
            return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    alloc.buffer(BODY).writeZero(BODY));
        });
        byte[] scrape = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (AdminServer server = new AdminServer(new AdminConfig(true, "127.0.0.1", 0), transport, accept, router);
             Socket peer = new Socket()) {
            InetSocketAddress address = server.bind();
            peer.setReceiveBufferSize(4096);
            peer.connect(address);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = peer.getOutputStream();
                    for (int i = 0; i < REQUESTS; i++) {
                        out.write(scrape);
                    }
                    out.flush();
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            int seen = -1;
            while (rendered.get() != seen) {
                seen = rendered.get();
                Thread.sleep(1000);
            }
            // The socket buffers and the 64 KiB mark hold a few hundred answers at most, never the whole pipeline.
            assertThat(rendered.get()).isLessThan(REQUESTS / 4);
            writer.cancel(true);
        } finally {
            accept.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
