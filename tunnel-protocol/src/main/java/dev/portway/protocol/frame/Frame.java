package dev.portway.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;

/**
 * One decoded or to-be-encoded frame. The payload is reference counted and owned by whoever holds the frame:
 * a decoded payload is a retained slice of the inbound buffer, never a copy.
 */
public final class Frame extends DefaultByteBufHolder {
    /** Wire magic for protocol major version 1: "PWY" followed by the version byte. */
    public static final int MAGIC = 0x50575901;
    public static final int HEADER_LENGTH = 14;
    public static final int FLAG_CREDIT_EXHAUSTED = 0x01;

    private final FrameType type;
    private final int flags;
    private final int streamId;

    public Frame(FrameType type, int flags, int streamId, ByteBuf payload) {
        super(payload);
        this.type = type;
        this.flags = flags;
        this.streamId = streamId;
    }

    public static Frame empty(FrameType type, int streamId) {
        return new Frame(type, 0, streamId, Unpooled.EMPTY_BUFFER);
    }

    public FrameType type() {
        return type;
    }

    public int flags() {
        return flags;
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    public int streamId() {
        return streamId;
    }

    public int length() {
        return content().readableBytes();
    }

    @Override
    public Frame replace(ByteBuf content) {
        return new Frame(type, flags, streamId, content);
    }

    @Override
    public Frame retain() {
        super.retain();
        return this;
    }

    @Override
    public String toString() {
        return type + "(stream=" + streamId + ", flags=" + flags + ", length=" + length() + ")";
    }
}
