package dev.portway.protocol.mux;

import dev.portway.protocol.control.GoAway;
import dev.portway.protocol.control.JsonCodec;
import dev.portway.protocol.frame.Frame;
import dev.portway.protocol.frame.FrameDecoder;
import dev.portway.protocol.frame.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A frame a session wrote, copied out of its buffer so tests need not manage reference counts. */
record SentFrame(FrameType type, int flags, int streamId, byte[] payload) {

    /** Decodes everything {@code channel} has written so far. */
    static List<SentFrame> drain(EmbeddedChannel channel) {
        EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder(16 * 1024 * 1024));
        List<SentFrame> frames = new ArrayList<>();
        try {
            for (Object out; (out = channel.readOutbound()) != null; ) {
                decoder.writeInbound((ByteBuf) out);
                for (Frame frame; (frame = decoder.readInbound()) != null; ) {
                    try {
                        frames.add(new SentFrame(frame.type(), frame.flags(), frame.streamId(),
                                ByteBufUtil.getBytes(frame.content())));
                    } finally {
                        frame.release();
                    }
                }
            }
        } finally {
            decoder.finishAndReleaseAll();
        }
        return frames;
    }

    int intPayload() {
        return ByteBuffer.wrap(payload).getInt();
    }

    long longPayload() {
        return ByteBuffer.wrap(payload).getLong();
    }

    GoAway goAway() {
        ByteBuf buf = Unpooled.wrappedBuffer(payload);
        return JsonCodec.decode(buf, GoAway.class);
    }

    @Override
    public String toString() {
        return type + "(stream=" + streamId + ", length=" + payload.length + ")";
    }
}
