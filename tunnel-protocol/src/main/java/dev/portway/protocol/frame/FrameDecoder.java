package dev.portway.protocol.frame;

import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Bytes to {@link Frame}s. Checks everything a header alone can tell (magic, type, flags, stream scope, length
 * against the limit) before it touches the payload, so a hostile length never causes an allocation.
 *
 * <p>Threading: event loop of its channel only. Reference counting: each emitted frame holds a retained slice
 * of the cumulation buffer, released by whoever consumes the frame. Closing: after the first error it throws a
 * {@link ProtocolException} once, then discards all further input; the multiplexer answers with GOAWAY.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private final int maxPayloadLength;
    private boolean failed;

    public FrameDecoder(int maxPayloadLength) {
        this.maxPayloadLength = maxPayloadLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            decodeFrames(in, out);
        } catch (ProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void decodeFrames(ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= Frame.HEADER_LENGTH) {
            int start = in.readerIndex();
            int magic = in.getInt(start);
            if (magic != Frame.MAGIC) {
                throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR,
                        "bad magic 0x%08x, expected 0x%08x", magic, Frame.MAGIC);
            }
            int typeCode = in.getUnsignedByte(start + 4);
            FrameType type = FrameType.of(typeCode);
            if (type == null) {
                throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR, "unknown frame type %d", typeCode);
            }
            int flags = in.getUnsignedByte(start + 5);
            if (!type.allowsFlags(flags)) {
                throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR,
                        "flags 0x%02x not allowed on %s", flags, type);
            }
            long streamId = in.getUnsignedInt(start + 6);
            checkStreamScope(type, streamId);
            long length = in.getUnsignedInt(start + 10);
            checkLength(type, length);
            if (in.readableBytes() < Frame.HEADER_LENGTH + length) {
                return;
            }
            in.skipBytes(Frame.HEADER_LENGTH);
            out.add(new Frame(type, flags, (int) streamId, in.readRetainedSlice((int) length)));
        }
    }

    private static void checkStreamScope(FrameType type, long streamId) {
        if (streamId > Integer.MAX_VALUE) {
            throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR, "stream id %d out of range", streamId);
        }
        boolean connectionScope = type.scope() == FrameType.StreamScope.CONNECTION;
        if (connectionScope != (streamId == 0)) {
            throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR,
                    "%s on stream %d: expected %s", type, streamId, connectionScope ? "stream 0" : "a stream above 0");
        }
    }

    private void checkLength(FrameType type, long length) {
        if (type.fixedLength() >= 0 && length != type.fixedLength()) {
            throw ProtocolException.connectionError(ErrorCode.FRAME_SIZE_ERROR,
                    "%s payload of %d bytes, expected %d", type, length, type.fixedLength());
        }
        if (length > maxPayloadLength) {
            throw ProtocolException.connectionError(ErrorCode.FRAME_SIZE_ERROR,
                    "%s payload of %d bytes exceeds the maximum of %d", type, length, maxPayloadLength);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        decode(ctx, in, out);
        if (!failed && in.isReadable()) {
            failed = true;
            int truncated = in.readableBytes();
            in.skipBytes(truncated);
            throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR,
                    "connection ended inside a frame (%d bytes left over)", truncated);
        }
    }
}
