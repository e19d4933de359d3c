package dev.portway.testkit;

import dev.portway.protocol.control.ControlMessage;
import dev.portway.protocol.control.Hello;
import dev.portway.protocol.control.JsonCodec;
import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.frame.Frame;
import dev.portway.protocol.frame.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds raw wire bytes by hand, independently of {@code FrameEncoder}, so tests can say exactly what a peer
 * sends, including frames no correct encoder would produce.
 */
public final class Wire {
    private Wire() {
    }

    public static byte[] frame(int magic, int type, int flags, int streamId, int length, byte[] payload) {
        ByteBuf buf = Unpooled.buffer(Frame.HEADER_LENGTH + payload.length);
        buf.writeInt(magic).writeByte(type).writeByte(flags).writeInt(streamId).writeInt(length).writeBytes(payload);
        byte[] bytes = ByteBufUtil.getBytes(buf);
        buf.release();
        return bytes;
    }

    public static byte[] frame(FrameType type, int flags, int streamId, byte[] payload) {
        return frame(Frame.MAGIC, type.code(), flags, streamId, payload.length, payload);
    }

    public static byte[] frame(FrameType type, int streamId, byte[] payload) {
        return frame(type, 0, streamId, payload);
    }

    public static byte[] json(Object message) {
        ByteBuf buf = JsonCodec.encode(UnpooledByteBufAllocator.DEFAULT, message);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    public static byte[] control(ControlMessage message) {
        return frame(FrameType.CONTROL, 0, json(message));
    }

    public static byte[] hello() {
        return control(new Hello(1, "test", List.of(), 0, 0));
    }

    public static byte[] open(int streamId, String tunnel) {
        return frame(FrameType.OPEN, streamId, json(new OpenStream(tunnel, "203.0.113.7:4000")));
    }

    public static byte[] data(int streamId, byte[] bytes) {
        return frame(FrameType.DATA, streamId, bytes);
    }

    public static byte[] windowUpdate(int streamId, int increment) {
        return frame(FrameType.WINDOW_UPDATE, streamId, ByteBuffer.allocate(4).putInt(increment).array());
    }

    public static byte[] fin(int streamId) {
        return frame(FrameType.FIN, streamId, new byte[0]);
    }

    public static byte[] rst(int streamId, int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        return frame(FrameType.RST, streamId, ByteBuffer.allocate(4 + text.length).putInt(code).put(text).array());
    }

    public static byte[] ping(long value) {
        return frame(FrameType.PING, 0, ByteBuffer.allocate(8).putLong(value).array());
    }

    public static byte[] concat(byte[]... parts) {
        int total = 0;
        for (byte[] part : parts) {
            total += part.length;
        }
        byte[] all = new byte[total];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
