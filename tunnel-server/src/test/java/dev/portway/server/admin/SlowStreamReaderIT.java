package dev.portway.server.admin;

import dev.portway.admin.http.ResponseStream;
import dev.portway.protocol.transport.Transport;
import dev.portway.server.config.AdminConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A streaming response to a reader that stops reading: the admin listener refuses further chunks once the
 * connection's write buffer is over its high water mark and closes the connection, so memory held for it stays
 * bounded (about the socket buffers plus 64 KiB), and the stream is stopped.
 */
@Timeout(30)
class SlowStreamReaderIT {
    private static final byte[] CHUNK = ("data: " + "x".repeat(1000) + "\n\n").getBytes(StandardCharsets.UTF_8);

    @Test
    void aReaderThatStopsReadingIsDisconnectedInsteadOfBufferedFor() throws Exception {
        Transport transport = Transport.detect();
        EventLoopGroup accept = transport.newGroup(1, "test-accept");
        CompletableFuture<Long> refusedAfter = new CompletableFuture<>();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        AtomicLong sent = new AtomicLong();
        ResponseStream flood = new ResponseStream() {
            @Override
            public void start(Sink sink) {
                Thread producer = new Thread(() -> {
                    while (sink.send(CHUNK)) {
                        sent.addAndGet(CHUNK.length);
                    }
                    refusedAfter.complete(sent.get());
                });
                producer.start();
            }

            @Override
            public void stop() {
                stopped.complete(null);
            }
        };
        AdminRouter router = new AdminRouter().delegate(path -> path.equals("/stream"),
                (request, alloc, remote) -> CompletableFuture.completedFuture(
                        new StreamingResponse(HttpResponseStatus.OK, flood)));
        try (AdminServer server = new AdminServer(new AdminConfig(true, "127.0.0.1", 0), transport, accept, router);
             Socket reader = new Socket()) {
            InetSocketAddress address = server.bind();
            reader.setReceiveBufferSize(4096);
            reader.connect(address);
            OutputStream out = reader.getOutputStream();
            out.write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = reader.getInputStream();
            assertThat(new String(in.readNBytes(15), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200 OK");
            // ... and then the reader reads nothing more.

            long total = refusedAfter.get(20, TimeUnit.SECONDS);
            stopped.get(20, TimeUnit.SECONDS);
            // Socket buffers on both sides plus the channel's 64 KiB: a few MiB at most, never the whole flood.
            assertThat(total).isLessThan(16L * 1024 * 1024);
        } finally {
            accept.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
