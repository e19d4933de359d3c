package dev.portway.protocol.relay;

import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelStream;
import dev.portway.protocol.transport.HalfCloseGuard;
import dev.portway.protocol.transport.ReadBuffers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * Joins one socket (a public connection on the server, a local connection on the client) to one
 * {@link TunnelStream}, in both directions, honouring half-close.
 *
 * <p>Socket to stream: the socket's auto-read is off and the next chunk is read only when the stream has
 * credit again, so a stream never holds more than one read beyond its window. Stream to socket: bytes are
 * handed back as credit only once the socket has taken them, so a slow reader on the socket throttles its
 * stream and nothing else.
 *
 * <p>Threading: all state on {@code home}, the socket's event loop; stream callbacks hop there. Reference
 * counting: owns stream bytes until the socket write completes; bytes that arrive before the socket connects
 * wait in a queue bounded by the stream's window. Closing: the socket closes once both directions have
 * finished (each side's FIN after all its bytes), or at once with RST when the stream is reset; a socket that
 * closes early, or is reset by its peer, resets the stream. docs/protocol.md, "How streams end", has the table.
 */
public final class StreamRelay extends ChannelInboundHandlerAdapter implements StreamHandler {
    private static final Logger log = LoggerFactory.getLogger(StreamRelay.class);

    private final EventLoop home;
    private final String label;
    /** Stream bytes that arrived before the socket connected. */
    private final ArrayDeque<ByteBuf> earlyFromStream = new ArrayDeque<>();
    /**
     * Socket bytes that arrived before the stream opened. Auto-read is off then, but the epoll transport still
     * drains a socket whose peer half-closed, so a short request and its EOF can land here.
     */
    private final ArrayDeque<ByteBuf> earlyFromSocket = new ArrayDeque<>();
    private final Runnable readNext = this::readNext;
    private TunnelStream stream;
    private Channel socket;
    private boolean socketActive;
    private boolean started;
    private boolean inputFinished;
    private boolean peerFinished;
    private boolean outputShutdown;
    private boolean ended;

    /**
     * @param home the event loop the socket is (or will be) registered with
     * @param label context for log lines, such as {@code tunnel=ssh stream=4}
     */
    public StreamRelay(EventLoop home, String label) {
        this.home = home;
        this.label = label;
    }

    /** Sets the stream once it exists; on the server the stream opens after the public connection was accepted. */
    public void attachStream(TunnelStream stream) {
        onHome(() -> {
            this.stream = stream;
            if (ended) {
                stream.reset(ErrorCode.CANCEL, "connection closed before the stream opened");
                return;
            }
            maybeStart();
        });
    }

    // ---- socket side ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        socket = ctx.channel();
        socket.config().setAutoRead(false);
        socket.config().setRecvByteBufAllocator(ReadBuffers.bulk());
        // Without it the transport closes the socket at the peer's FIN, and the stream is reset instead of
        // finished: a client that half-closes after its request would never see the answer.
        socket.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        if (socket.isActive()) {
            socketActivated();
        }
    }

    /**
     * A socket that never connected (the local service refused) is torn down without ever being inactive: stream
     * bytes that waited for it, such as an HTTP request sent at once, are released here.
     */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        ended = true;
        releaseEarly();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        socketActivated();
        ctx.fireChannelActive();
    }

    /**
     * Guarded only once connected: the guard registers the descriptor with epoll at once, and an unconnected socket
     * there reports EPOLLHUP on every poll until it connects.
     */
    private void socketActivated() {
        HalfCloseGuard.apply(socket);
        socketActive = true;
        maybeStart();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf) || ended) {
            ReferenceCountUtil.release(msg);
        } else if (started) {
            stream.write(buf);
        } else {
            earlyFromSocket.add(buf);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (started && !ended && !inputFinished) {
            stream.whenWritable(readNext);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputFinished = true;
            if (started) {
                stream.finish();
            }
            closeIfDone();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!ended) {
            ended = true;
            releaseEarly();
            if (stream != null && !(inputFinished && outputShutdown)) {
                stream.reset(ErrorCode.CANCEL, "connection closed");
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("[{}] connection error: {}", label, cause.toString());
        ctx.close();
    }

    // ---- stream side ----

    @Override
    public void onData(TunnelStream stream, ByteBuf data) {
        onHome(() -> {
            if (ended) {
                data.release();
            } else if (!socketActive) {
                earlyFromStream.add(data);
            } else {
                writeToSocket(data);
            }
        });
    }

    @Override
    public void onFinish(TunnelStream stream) {
        onHome(() -> {
            peerFinished = true;
            if (socketActive) {
                shutdownOutput();
            }
        });
    }

    @Override
    public void onReset(TunnelStream stream, ErrorCode code, String reason) {
        onHome(() -> {
            log.debug("[{}] stream reset: {} {}", label, code, reason);
            ended = true;
            releaseEarly();
            if (socket != null) {
                abort(socket);
            }
        });
    }

    /**
     * Closes {@code socket} with RST (SO_LINGER 0) instead of FIN, dropping what is still queued: the stream behind
     * it was cut, and its peer must not take the bytes it got for the whole.
     */
    public static void abort(Channel socket) {
        if (socket.isOpen()) {
            socket.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        socket.close();
    }

    // ---- plumbing ----

    private void maybeStart() {
        if (started || stream == null || !socketActive || ended) {
            return;
        }
        started = true;
        ByteBuf data;
        while ((data = earlyFromStream.poll()) != null) {
            writeToSocket(data);
        }
        if (peerFinished) {
            shutdownOutput();
        }
        while ((data = earlyFromSocket.poll()) != null) {
            stream.write(data);
        }
        if (inputFinished) {
            stream.finish();
        } else {
            stream.whenWritable(readNext);
        }
    }

    /**
     * Runs on the session's loop when the stream can take more; the read itself must be decided on the socket's
     * loop, where the input's state is known: reading a socket whose input has ended fails in the epoll transport.
     */
    private void readNext() {
        onHome(() -> {
            if (!ended && !inputFinished && socket.isActive()) {
                socket.read();
            }
        });
    }

    private void writeToSocket(ByteBuf data) {
        int bytes = data.readableBytes();
        TunnelStream s = stream;
        socket.writeAndFlush(data).addListener(f -> {
            if (f.isSuccess()) {
                s.consumed(bytes);
            }
        });
    }

    /** Half-closes the socket after everything written so far; shutting down earlier would drop queued bytes. */
    private void shutdownOutput() {
        socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (f.isSuccess() && socket instanceof DuplexChannel duplex) {
                duplex.shutdownOutput().addListener(done -> {
                    outputShutdown = true;
                    closeIfDone();
                });
            } else {
                socket.close();
            }
        });
    }

    private void closeIfDone() {
        if (inputFinished && outputShutdown) {
            ended = true;
            socket.close();
        }
    }

    private void releaseEarly() {
        ByteBuf data;
        while ((data = earlyFromStream.poll()) != null) {
            data.release();
        }
        while ((data = earlyFromSocket.poll()) != null) {
            data.release();
        }
    }

    private void onHome(Runnable task) {
        if (home.inEventLoop()) {
            task.run();
        } else {
            home.execute(task);
        }
    }
}
