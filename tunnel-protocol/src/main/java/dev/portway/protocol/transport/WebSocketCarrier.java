package dev.portway.protocol.transport;

import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.ProtocolException;
import dev.portway.protocol.frame.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.util.List;

/**
 * Carries the tunnel protocol's bytes in binary WebSocket messages, for a client that reaches the server only
 * through an HTTPS port (the {@code wss://} transport). It sits between the WebSocket frame codec and the
 * {@link dev.portway.protocol.frame.FrameDecoder}: each encoded protocol frame leaves as one binary message, and the
 * payload of every binary or continuation message goes on as bytes, so the two framings need not line up.
 *
 * <p>Outgoing messages are framed here (RFC 6455 section 5.2): a header buffer, then the frame's own buffer, never
 * copied. The client side sets the mask bit, as a client must, with a key of zero, which leaves the payload as it is
 * and lets the server's decoder skip unmasking (Netty skips the XOR for a zero key). Masking exists to keep script in
 * a browser from shaping bytes that a cleartext intermediary would read as HTTP; this client runs no foreign script
 * and its WebSocket always travels inside TLS, while XOR-copying every byte on both ends would cost a pass over
 * all the traffic. Intermediaries that read the frames see well-formed masked frames. A ping is answered, a pong ignored, and a close message ends the connection the way a
 * TCP end of stream would (where Netty's client protocol handler sits in front, these never reach here); pings are
 * answered only while the connection is writable.
 *
 * <p>Reference counting: the buffers are passed on, not copied; a text message is a protocol error.
 */
public final class WebSocketCarrier extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {
    /** The subprotocol both sides name in the upgrade, so a public web app's own WebSocket is never mistaken for one. */
    public static final String SUBPROTOCOL = "portway.v1";
    /** Where the server accepts clients on its HTTPS port unless configured otherwise. */
    public static final String DEFAULT_PATH = "/_portway/connect";

    /**
     * How each side decodes the other's WebSocket frames: a message holds at most one protocol frame, the largest
     * this side accepts, and what the peer sends is masked only when it is the client (RFC 6455 section 5.1).
     */
    public static WebSocketDecoderConfig decoderConfig(int maxFramePayload, boolean expectMasked) {
        return WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxMessage(maxFramePayload))
                .expectMaskedFrames(expectMasked)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                .closeOnProtocolViolation(true)
                .build();
    }

    private static final int FIN_BINARY = 0x82;
    private static final int MASKED = 0x80;

    private final boolean clientSide;

    /** @param clientSide whether this end is the WebSocket client, whose frames carry the mask bit */
    public WebSocketCarrier(boolean clientSide) {
        this.clientSide = clientSide;
    }

    /** The largest message a side accepts: one protocol frame of the largest payload it decodes, with its header. */
    public static int maxMessage(int maxFramePayload) {
        return maxFramePayload + Frame.HEADER_LENGTH;
    }

    /**
     * Whether {@code path} can be the upgrade's path as written in either side's configuration: absolute, and without
     * spaces, control characters, query or fragment.
     */
    public static boolean isUpgradePath(String path) {
        return path.startsWith("/") && path.chars().noneMatch(c -> c <= ' ' || c == '?' || c == '#' || c >= 0x7f);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf bytes, List<Object> out) {
        int length = bytes.readableBytes();
        ByteBuf header = ctx.alloc().buffer(14);
        header.writeByte(FIN_BINARY);
        int mask = clientSide ? MASKED : 0;
        if (length < 126) {
            header.writeByte(mask | length);
        } else if (length <= 0xFFFF) {
            header.writeByte(mask | 126).writeShort(length);
        } else {
            header.writeByte(mask | 127).writeLong(length);
        }
        if (clientSide) {
            header.writeInt(0);
        }
        out.add(header);
        out.add(bytes.retain());
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (frame instanceof PingWebSocketFrame) {
            // Only while the peer reads what it is sent: a peer that floods pings and reads nothing would otherwise
            // grow this side's outbound buffer without bound. A ping left unanswered costs nothing.
            if (ctx.channel().isWritable()) {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            }
            return;
        }
        if (frame instanceof PongWebSocketFrame) {
            return;
        }
        if (frame instanceof CloseWebSocketFrame) {
            ctx.close();
            return;
        }
        if (!(frame instanceof BinaryWebSocketFrame) && !(frame instanceof ContinuationWebSocketFrame)) {
            throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR,
                    "expected binary WebSocket messages, got %s", frame.getClass().getSimpleName());
        }
        out.add(frame.content().retain());
    }
}
