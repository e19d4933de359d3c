package dev.portway.client.inspect;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * The first {@code limit} bytes of a body being recorded, and the count of all of them. Grows by doubling, so a small
 * body costs little; never holds more than {@code limit}. Threading: one thread at a time.
 */
final class BodyBuffer {
    private int limit;
    private byte[] bytes = new byte[0];
    private int kept;
    private long size;

    BodyBuffer(int limit) {
        this.limit = limit;
    }

    void append(ByteBuf buf, int index, int length) {
        size += length;
        int n = Math.min(length, limit - kept);
        if (n <= 0) {
            return;
        }
        if (kept + n > bytes.length) {
            byte[] grown = new byte[(int) Math.min(limit, Math.max(kept + n, Math.max(256L, bytes.length * 2L)))];
            System.arraycopy(bytes, 0, grown, 0, kept);
            bytes = grown;
        }
        buf.getBytes(index, bytes, kept, n);
        kept += n;
    }

    /** Counts bytes without keeping them: the exchange left the log, and its bodies with it. */
    void drop() {
        bytes = new byte[0];
        kept = 0;
        limit = 0;
    }

    RecordedBody toBody() {
        if (size == 0) {
            return RecordedBody.EMPTY;
        }
        byte[] exact = kept == bytes.length ? bytes : Arrays.copyOf(bytes, kept);
        bytes = exact;
        return new RecordedBody(exact, size);
    }
}
