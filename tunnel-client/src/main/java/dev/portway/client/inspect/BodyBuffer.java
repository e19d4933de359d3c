package dev.portway.client.inspect;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.function.LongPredicate;

/**
 * The first {@code limit} bytes of a body being recorded, and the count of all of them. Grows by doubling, so a small
 * body costs little; never holds more than {@code limit}, and each growth is charged first: when the charge is refused
 * (the inspector's budget is spent) the body keeps what it has and only counts the rest. Threading: one thread at a
 * time.
 */
final class BodyBuffer {
    private final LongPredicate charge;
    private int limit;
    private byte[] bytes = new byte[0];
    private int kept;
    private long size;

    /** @param charge takes the bytes a growth adds, or refuses them */
    BodyBuffer(int limit, LongPredicate charge) {
        this.limit = limit;
        this.charge = charge;
    }

    void append(ByteBuf buf, int index, int length) {
        size += length;
        int n = Math.min(length, limit - kept);
        if (n <= 0) {
            return;
        }
        if (kept + n > bytes.length) {
            int grownLength = (int) Math.min(limit, Math.max(kept + n, Math.max(256L, bytes.length * 2L)));
            if (!charge.test(grownLength - bytes.length)) {
                limit = kept;
                return;
            }
            byte[] grown = new byte[grownLength];
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
