package dev.portway.testkit;

import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.StreamResetException;
import dev.portway.protocol.mux.TunnelStream;
import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;

/**
 * Drains a stream at once, hashing what arrives; {@link #received()} completes with the SHA-256 at FIN, or fails
 * when the stream is reset.
 */
public final class HashingSink implements StreamHandler {
    private final MessageDigest sha = PatternSource.sha256();
    private final CompletableFuture<byte[]> received = new CompletableFuture<>();
    private long bytes;

    public CompletableFuture<byte[]> received() {
        return received;
    }

    /** Bytes drained so far; read it on the stream's event loop or after {@link #received()} completed. */
    public long bytes() {
        return bytes;
    }

    @Override
    public void onData(TunnelStream stream, ByteBuf data) {
        int n = data.readableBytes();
        try {
            for (ByteBuffer nio : data.nioBuffers()) {
                sha.update(nio);
            }
        } finally {
            data.release();
        }
        bytes += n;
        stream.consumed(n);
    }

    @Override
    public void onFinish(TunnelStream stream) {
        received.complete(sha.digest());
    }

    @Override
    public void onReset(TunnelStream stream, ErrorCode code, String reason) {
        received.completeExceptionally(new StreamResetException(code, reason));
    }
}
