package dev.portway.server.http;

import dev.portway.monitor.Http2Refusal;
import dev.portway.monitor.TunnelMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.logging.LogLevel;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Counts what the server refuses on public HTTP/2 connections, by reason ({@link Http2Refusal}): every RST_STREAM
 * and GOAWAY it sends with an error code. It watches the frames written rather than the handlers that decide, since
 * Netty's codec refuses in several places (its flood guards, the header decoder, the stream limits) and reports some
 * only by the frame it writes. Streams the proxy cancels (CANCEL) and graceful ends (NO_ERROR) are not refusals.
 *
 * <p>Threading: called on the connection's event loop; stateless, so one instance serves every connection. Reference
 * counting: reads the GOAWAY debug data without taking it. Logs nothing itself: its level is never enabled.
 */
final class Http2Refusals extends Http2FrameLogger {
    private final TunnelMetrics metrics;

    Http2Refusals(TunnelMetrics metrics) {
        super(LogLevel.TRACE, Http2Refusals.class);
        this.metrics = metrics;
    }

    @Override
    public void logRstStream(Direction direction, ChannelHandlerContext ctx, int streamId, long errorCode) {
        if (direction == Direction.OUTBOUND) {
            refused(errorCode, "");
        }
    }

    @Override
    public void logGoAway(Direction direction, ChannelHandlerContext ctx, int lastStreamId, long errorCode,
                          ByteBuf debugData) {
        if (direction == Direction.OUTBOUND) {
            refused(errorCode, debugData.toString(StandardCharsets.UTF_8));
        }
    }

    private void refused(long errorCode, String debug) {
        Http2Refusal reason = reason(errorCode, debug);
        if (reason != null) {
            metrics.http2Refused(reason);
        }
    }

    /** The reason a frame with {@code errorCode} and {@code debug} data refuses for; null when it is no refusal. */
    static Http2Refusal reason(long errorCode, String debug) {
        Http2Error error = Http2Error.valueOf(errorCode);
        if (error == null || error == Http2Error.NO_ERROR || error == Http2Error.CANCEL) {
            return null;
        }
        String text = debug.toLowerCase(Locale.ROOT);
        return switch (error) {
            case REFUSED_STREAM -> Http2Refusal.CONCURRENT_STREAMS;
            case FLOW_CONTROL_ERROR -> Http2Refusal.FLOW_CONTROL;
            case ENHANCE_YOUR_CALM -> text.contains("rst") ? Http2Refusal.RAPID_RESET
                    : text.contains("control frames") ? Http2Refusal.CONTROL_FLOOD
                    : text.contains("continuation") ? Http2Refusal.CONTINUATION_FLOOD
                    : text.contains("header") ? Http2Refusal.HEADER_LIST_SIZE
                    : Http2Refusal.PROTOCOL_ERROR;
            default -> text.contains("header") && text.contains("size") ? Http2Refusal.HEADER_LIST_SIZE
                    : text.contains("continuation") ? Http2Refusal.CONTINUATION_FLOOD
                    : Http2Refusal.PROTOCOL_ERROR;
        };
    }
}
