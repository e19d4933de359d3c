package dev.portway.server.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

import java.util.ArrayDeque;

/**
 * Keeps what a public peer has sent until the tunnel's client answers, so that a connection whose first choice
 * could not reach its local service can be replayed to another member of a load-balancing group: that client never
 * connected to its service, so nothing was delivered twice. Recording stops at the first answer or beyond
 * {@link #LIMIT} bytes; after that the connection can no longer move.
 *
 * <p>Pipeline: before the relay, so it sees every byte read from the socket. Threading: the connection's event
 * loop, except {@link #replayable()}, which any thread may read. Reference counting: holds a retained duplicate of
 * each recorded buffer and passes the original on; replayed buffers are new duplicates owned by the next handler;
 * every copy is released when recording stops, when the handler is removed, or when the connection closes.
 */
final class ReplayBuffer extends ChannelInboundHandlerAdapter {
    /** Enough for any request head; a larger upload before the first answer is not worth holding for a retry. */
    static final int LIMIT = 64 * 1024;

    private final ArrayDeque<ByteBuf> copies = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private int bytes;
    private boolean inputShutdown;
    private volatile boolean recording = true;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (recording && msg instanceof ByteBuf buf) {
            if (bytes + buf.readableBytes() > LIMIT) {
                stopRecording();
            } else {
                bytes += buf.readableBytes();
                copies.add(buf.retainedDuplicate());
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopRecording();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stopRecording();
    }

    /** Whether everything the peer sent is still here to be sent again. */
    boolean replayable() {
        return recording;
    }

    /** The client answered (or the connection cannot move any more): the copies are no longer needed. */
    void stopRecording() {
        recording = false;
        ByteBuf copy;
        while ((copy = copies.poll()) != null) {
            copy.release();
        }
    }

    /** Sends everything recorded, and the end of input if the peer had half-closed, to the handlers after this one. */
    void replay() {
        for (ByteBuf copy : copies) {
            ctx.fireChannelRead(copy.retainedDuplicate());
        }
        if (inputShutdown) {
            ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
    }
}
