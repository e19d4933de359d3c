package dev.portway.protocol.frame;

import dev.portway.testkit.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

class FrameCodecTest {
    private static final int MAX_PAYLOAD = 64 * 1024;

    /** One frame of every type, with payload sizes on both sides of the encoder's copy threshold. */
    private static List<byte[]> sampleFrames() {
        Random random = new Random(7);
        byte[] bigData = new byte[3_000];
        random.nextBytes(bigData);
        List<byte[]> frames = new ArrayList<>();
        for (FrameType type : FrameType.values()) {
            int streamId = type.scope() == FrameType.StreamScope.CONNECTION ? 0 : 2 * type.ordinal() + 1;
            int length = type.fixedLength() >= 0 ? type.fixedLength() : 3 + type.ordinal();
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            frames.add(Wire.frame(type, 0, streamId, payload));
        }
        frames.add(Wire.frame(FrameType.DATA, Frame.FLAG_CREDIT_EXHAUSTED, 9, bigData));
        frames.add(Wire.frame(FrameType.DATA, 0, Integer.MAX_VALUE, new byte[0]));
        return frames;
    }

    @Test
    void everyFrameTypeSurvivesEncodeThenDecode() {
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder());
        EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder(MAX_PAYLOAD));
        for (byte[] wire : sampleFrames()) {
            Frame original = parse(wire);
            assertThat(encoder.writeOutbound(original.retain())).isTrue();
            ByteBuf encoded = encoder.readOutbound();
            assertThat(ByteBufUtil.getBytes(encoded)).as("encoded %s", original).isEqualTo(wire);

            decoder.writeInbound(encoded);
            Frame decoded = decoder.readInbound();
            try {
                assertThat(decoded.type()).isEqualTo(original.type());
                assertThat(decoded.flags()).isEqualTo(original.flags());
                assertThat(decoded.streamId()).isEqualTo(original.streamId());
                assertThat(decoded.content()).isEqualTo(original.content());
            } finally {
                decoded.release();
                original.release();
            }
        }
        assertFalse(encoder.finish());
        assertFalse(decoder.finish());
    }

    @Test
    void decodesTheSameFramesWhereverTheBytesAreSplit() {
        List<byte[]> frames = sampleFrames();
        byte[] wire = Wire.concat(frames.toArray(byte[][]::new));
        for (int split = 0; split <= wire.length; split++) {
            EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder(MAX_PAYLOAD));
            decoder.writeInbound(Unpooled.wrappedBuffer(wire, 0, split));
            decoder.writeInbound(Unpooled.wrappedBuffer(wire, split, wire.length - split));
            assertDecodedExactly(decoder, frames);
            assertFalse(decoder.finish(), "split at " + split);
        }
    }

    @Test
    void decodesTheSameFramesFedOneByteAtATime() {
        List<byte[]> frames = sampleFrames();
        byte[] wire = Wire.concat(frames.toArray(byte[][]::new));
        EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder(MAX_PAYLOAD));
        for (int i = 0; i < wire.length; i++) {
            decoder.writeInbound(Unpooled.wrappedBuffer(wire, i, 1));
        }
        assertDecodedExactly(decoder, frames);
        assertFalse(decoder.finish());
    }

    @Test
    void largePayloadIsJoinedToItsHeaderWithoutACopy() {
        EmbeddedChannel encoder = new EmbeddedChannel(new FrameEncoder());
        ByteBuf payload = Unpooled.directBuffer(4096).writeZero(4096);
        encoder.writeOutbound(new Frame(FrameType.DATA, 0, 1, payload));
        ByteBuf encoded = encoder.readOutbound();
        try {
            assertThat(encoded.readableBytes()).isEqualTo(Frame.HEADER_LENGTH + 4096);
            assertThat(encoded.nioBufferCount()).as("header and payload stay separate buffers").isEqualTo(2);
        } finally {
            encoded.release();
        }
        assertFalse(encoder.finish());
    }

    private static void assertDecodedExactly(EmbeddedChannel decoder, List<byte[]> expected) {
        for (byte[] wire : expected) {
            Frame frame = decoder.readInbound();
            assertThat(frame).isNotNull();
            try {
                assertThat(encode(frame)).isEqualTo(wire);
            } finally {
                frame.release();
            }
        }
        assertThat((Object) decoder.readInbound()).isNull();
    }

    private static byte[] encode(Frame frame) {
        ByteBuf buf = Unpooled.buffer();
        FrameEncoder.writeHeader(buf, frame, frame.length());
        buf.writeBytes(frame.content(), frame.content().readerIndex(), frame.length());
        byte[] bytes = ByteBufUtil.getBytes(buf);
        buf.release();
        return bytes;
    }

    private static Frame parse(byte[] wire) {
        ByteBuf buf = Unpooled.wrappedBuffer(wire);
        buf.skipBytes(4);
        FrameType type = FrameType.of(buf.readUnsignedByte());
        int flags = buf.readUnsignedByte();
        int streamId = buf.readInt();
        int length = buf.readInt();
        return new Frame(type, flags, streamId, Unpooled.copiedBuffer(Arrays.copyOfRange(wire, Frame.HEADER_LENGTH,
                Frame.HEADER_LENGTH + length)));
    }
}
