package dev.portway.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/**
 * {@link Frame}s to bytes. Small payloads are copied next to their header; large ones are joined to the
 * header in a composite buffer so the payload bytes are never copied.
 *
 * <p>Threading: stateless, shared. Reference counting: takes ownership of the frame's payload.
 */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToMessageEncoder<Frame> {
    /** Below this a copy is cheaper than a composite buffer's bookkeeping. */
    private static final int COPY_THRESHOLD = 512;

    public FrameEncoder() {
        super(Frame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
        ByteBuf payload = frame.content();
        int length = payload.readableBytes();
        if (length <= COPY_THRESHOLD) {
            ByteBuf buf = ctx.alloc().buffer(Frame.HEADER_LENGTH + length);
            writeHeader(buf, frame, length);
            buf.writeBytes(payload, payload.readerIndex(), length);
            out.add(buf);
            return;
        }
        ByteBuf header = ctx.alloc().buffer(Frame.HEADER_LENGTH);
        writeHeader(header, frame, length);
        CompositeByteBuf composite = ctx.alloc().compositeBuffer(2);
        composite.addComponents(true, header, payload.retain());
        out.add(composite);
    }

    /** Writes the 14-byte header; shared with tests and benchmarks that build raw wire bytes. */
    public static void writeHeader(ByteBuf buf, Frame frame, int length) {
        buf.writeInt(Frame.MAGIC)
                .writeByte(frame.type().code())
                .writeByte(frame.flags())
                .writeInt(frame.streamId())
                .writeInt(length);
    }
}
