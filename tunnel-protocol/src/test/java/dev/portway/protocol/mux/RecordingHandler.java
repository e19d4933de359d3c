package dev.portway.protocol.mux;

import dev.portway.protocol.ErrorCode;
import io.netty.buffer.ByteBuf;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;

/**
 * A stream handler that keeps what it receives. With auto-consume it drains each chunk at once; without, chunks
 * wait until {@link #consumeAll} so tests can hold a window closed. Held chunks are released on reset.
 */
final class RecordingHandler implements StreamHandler {
    private final boolean autoConsume;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private TunnelStream stream;
    int finishes;
    int resets;
    ErrorCode resetCode;
    String resetReason;
    boolean dataAfterEnd;

    RecordingHandler(boolean autoConsume) {
        this.autoConsume = autoConsume;
    }

    @Override
    public void onData(TunnelStream stream, ByteBuf data) {
        this.stream = stream;
        if (finishes > 0 || resets > 0) {
            dataAfterEnd = true;
        }
        if (autoConsume) {
            int bytes = take(data);
            stream.consumed(bytes);
        } else {
            held.add(data);
        }
    }

    @Override
    public void onFinish(TunnelStream stream) {
        finishes++;
    }

    @Override
    public void onReset(TunnelStream stream, ErrorCode code, String reason) {
        resets++;
        resetCode = code;
        resetReason = reason;
        ByteBuf buf;
        while ((buf = held.poll()) != null) {
            buf.release();
        }
    }

    /** Drains every held chunk and returns the credit; returns how many bytes that was. */
    int consumeAll() {
        int total = 0;
        ByteBuf buf;
        while ((buf = held.poll()) != null) {
            total += take(buf);
        }
        if (total > 0) {
            stream.consumed(total);
        }
        return total;
    }

    int heldBytes() {
        return held.stream().mapToInt(ByteBuf::readableBytes).sum();
    }

    byte[] received() {
        return received.toByteArray();
    }

    private int take(ByteBuf data) {
        try {
            int bytes = data.readableBytes();
            data.readBytes(received, bytes);
            return bytes;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            data.release();
        }
    }
}
