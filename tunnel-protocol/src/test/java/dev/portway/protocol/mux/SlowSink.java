package dev.portway.protocol.mux;

import dev.portway.protocol.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deliberately slow consumer: it drains a few KiB per tick until {@link #fullSpeed} is called. On every
 * delivery and tick (on the session's event loop) it samples the session's own accounting of the stream, so a
 * test can check that unconsumed bytes never exceed the receive window.
 */
final class SlowSink implements StreamHandler {
    private final int bytesPerTick;
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private final MessageDigest sha;
    private final CompletableFuture<byte[]> received = new CompletableFuture<>();
    private TunnelStream stream;
    private ScheduledFuture<?> ticker;
    private volatile boolean fullSpeed;
    private boolean finished;
    volatile int maxBuffered;
    volatile int maxWindow;
    volatile int windowViolations;

    SlowSink(int bytesPerTick) {
        this.bytesPerTick = bytesPerTick;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts ticking; call on the session's event loop, from {@code onStreamOpened}. */
    SlowSink attach(TunnelStream stream, long tickMillis) {
        this.stream = stream;
        ticker = stream.session().channel().eventLoop()
                .scheduleAtFixedRate(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    CompletableFuture<byte[]> received() {
        return received;
    }

    void fullSpeed() {
        fullSpeed = true;
    }

    @Override
    public void onData(TunnelStream stream, ByteBuf data) {
        held.add(data);
        sample();
        if (fullSpeed) {
            drain(Integer.MAX_VALUE);
        }
    }

    @Override
    public void onFinish(TunnelStream stream) {
        finished = true;
        completeIfDone();
    }

    @Override
    public void onReset(TunnelStream stream, ErrorCode code, String reason) {
        ticker.cancel(false);
        for (ByteBuf buf; (buf = held.poll()) != null; ) {
            buf.release();
        }
        received.completeExceptionally(new StreamResetException(code, reason));
    }

    private void tick() {
        sample();
        drain(fullSpeed ? Integer.MAX_VALUE : bytesPerTick);
        completeIfDone();
    }

    private void sample() {
        TunnelSession session = stream.session();
        int buffered = session.bufferedBytes(stream.id());
        int window = session.receiveWindow(stream.id());
        maxBuffered = Math.max(maxBuffered, buffered);
        maxWindow = Math.max(maxWindow, window);
        if (buffered > window) {
            windowViolations++;
        }
    }

    private void drain(int budget) {
        int drained = 0;
        while (drained < budget && !held.isEmpty()) {
            ByteBuf head = held.peek();
            int n = Math.min(budget - drained, head.readableBytes());
            for (ByteBuffer nio : head.nioBuffers(head.readerIndex(), n)) {
                sha.update(nio);
            }
            head.skipBytes(n);
            drained += n;
            if (!head.isReadable()) {
                held.poll().release();
            }
        }
        if (drained > 0) {
            stream.consumed(drained);
        }
    }

    private void completeIfDone() {
        if (finished && held.isEmpty() && !received.isDone()) {
            ticker.cancel(false);
            received.complete(sha.digest());
        }
    }
}
