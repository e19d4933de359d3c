package dev.portway.testkit;

import dev.portway.protocol.mux.TunnelStream;
import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Writes a seeded pseudo-random byte sequence of a given length to a stream in random-sized chunks, each only
 * when the stream is writable, then finishes it. {@link #sent()} completes with the SHA-256 of everything written.
 */
public final class PatternSource implements Runnable {
    private final TunnelStream stream;
    private final SplittableRandom random;
    private final int maxChunk;
    private final MessageDigest sha;
    private final CompletableFuture<byte[]> sent = new CompletableFuture<>();
    private final byte[] scratch;
    private long remaining;

    public PatternSource(TunnelStream stream, long seed, long bytes, int maxChunk) {
        this.stream = stream;
        this.random = new SplittableRandom(seed);
        this.remaining = bytes;
        this.maxChunk = maxChunk;
        this.sha = sha256();
        this.scratch = new byte[maxChunk];
    }

    public PatternSource start() {
        stream.whenWritable(this);
        return this;
    }

    public CompletableFuture<byte[]> sent() {
        return sent;
    }

    @Override
    public void run() {
        if (remaining == 0) {
            done();
            return;
        }
        int n = (int) Math.min(remaining, 1 + random.nextInt(maxChunk));
        // Filled in a heap array and copied once: under paranoid leak detection every buffer access records a
        // stack trace, so per-long writes would dominate the run time.
        ByteBuffer fill = ByteBuffer.wrap(scratch, 0, n);
        while (fill.remaining() >= 8) {
            fill.putLong(random.nextLong());
        }
        while (fill.hasRemaining()) {
            fill.put((byte) random.nextInt());
        }
        sha.update(scratch, 0, n);
        ByteBuf chunk = stream.session().alloc().buffer(n).writeBytes(scratch, 0, n);
        remaining -= n;
        stream.write(chunk);
        if (remaining == 0) {
            done();
        } else {
            stream.whenWritable(this);
        }
    }

    private void done() {
        stream.finish();
        sent.complete(sha.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
