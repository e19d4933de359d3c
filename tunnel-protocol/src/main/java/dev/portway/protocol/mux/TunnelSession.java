package dev.portway.protocol.mux;

import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.ProtocolException;
import dev.portway.protocol.control.ControlMessage;
import dev.portway.protocol.control.GoAway;
import dev.portway.protocol.control.Hello;
import dev.portway.protocol.control.JsonCodec;
import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.frame.Frame;
import dev.portway.protocol.frame.FrameDecoder;
import dev.portway.protocol.frame.FrameEncoder;
import dev.portway.protocol.frame.FrameType;
import dev.portway.protocol.transport.HalfCloseGuard;
import dev.portway.protocol.transport.ReadBuffers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The multiplexer: many {@link TunnelStream}s and one control stream over one carrier channel. It sits last in
 * the carrier's pipeline, after {@link FrameDecoder} and {@code FrameEncoder}, exchanges HELLO, enforces the
 * stream-id and flow-control rules, runs the keep-alive and hands everything else to its {@link SessionListener}.
 *
 * <p>Threading: all state lives on the carrier's event loop; public methods may be called from any thread and
 * hop there. Reference counting: releases every inbound frame except DATA and DATAGRAM payloads, whose ownership
 * passes to the stream handler or listener. Closing: a protocol error is logged once with the peer address,
 * answered with GOAWAY and the carrier closed; when the carrier closes, every open stream is reset once with the
 * cause and then {@link SessionListener#onClosed} runs once. A graceful GOAWAY from the peer is answered with one of
 * this side's own, after which no stream opens either way ({@link #goAway} says when closing loses nothing).
 */
public final class TunnelSession extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TunnelSession.class);
    public static final String FRAME_DECODER = "frame-decoder";
    public static final String FRAME_ENCODER = "frame-encoder";
    public static final String HANDLER_NAME = "session";
    private static final FrameEncoder ENCODER = new FrameEncoder();
    /** Ids of streams this side reset, so the peer's in-flight frames for them are ignored, not treated as errors. */
    private static final int RECENTLY_RESET_MEMORY = 4096;
    private static final long CLOSE_GRACE_MILLIS = 2000;
    /** Half the stream id space: the point from which {@link #acceptsNewStreams} asks for a new carrier. */
    private static final int STREAM_ID_RENEWAL_MARK = 1 << 30;
    private static final WriteBufferWaterMark CARRIER_WATER_MARK = new WriteBufferWaterMark(512 * 1024, 1024 * 1024);

    private final Role role;
    private final SessionSettings settings;
    private final SessionListener listener;
    private final IntObjectMap<MuxStream> streams = new IntObjectHashMap<>();
    private final LinkedHashSet<Integer> recentlyReset = new LinkedHashSet<>();
    private ChannelHandlerContext ctx;
    private FrameWriter writer;
    private WindowBudget budget;
    private Promise<Void> closeFuture;
    /** Completes when this side has said GOAWAY, the peer has stopped opening streams and none is left open. */
    private Promise<Void> drained;
    private ScheduledFuture<?> keepAlive;
    /** Written on the event loop; read by {@link #acceptsNewStreams} from any thread. */
    private volatile int nextLocalStreamId;
    private int highestPeerStreamId;
    private int peerOpenedStreams;
    private int localOpenedStreams;
    private int peerMaxFramePayload = SessionSettings.DEFAULT_MAX_FRAME_PAYLOAD;
    private int peerMaxConcurrentStreams = SessionSettings.DEFAULT_MAX_CONCURRENT_STREAMS;
    private Hello peerHello;
    private volatile boolean goAwayReceived;
    /** The code of the GOAWAY this side announced, so closing with the same code does not say it twice. */
    private volatile ErrorCode goAwaySent;
    private volatile boolean closing;
    private Throwable closeCause;
    private long lastReadNanos;
    private volatile long rttNanos = -1;
    private volatile String label = "";

    public TunnelSession(Role role, SessionSettings settings, SessionListener listener) {
        this.role = role;
        this.settings = settings;
        this.listener = listener;
        this.nextLocalStreamId = role.firstStreamId();
    }

    // ---- public API ----

    /**
     * Adds the frame codec and this session at the end of {@code pipeline}, whose bytes are the frames (after TLS, a
     * WebSocket codec or a node link's handshake): the same three handlers for every kind of carrier.
     */
    public void addTo(ChannelPipeline pipeline) {
        pipeline.addLast(FRAME_DECODER, new FrameDecoder(settings.maxFramePayload()))
                .addLast(FRAME_ENCODER, ENCODER)
                .addLast(HANDLER_NAME, this);
    }

    public Channel channel() {
        return ctx.channel();
    }

    public Role role() {
        return role;
    }

    public SocketAddress remoteAddress() {
        return ctx.channel().remoteAddress();
    }

    /** Context for log lines, such as {@code client=laptop}; set by the application once it knows it. */
    public void label(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The peer's HELLO, or null before it arrived. */
    public Hello peerHello() {
        return peerHello;
    }

    /** Last keep-alive round-trip time in nanoseconds, or -1 before the first PONG. */
    public long rttNanos() {
        return rttNanos;
    }

    public Future<Void> closeFuture() {
        return closeFuture;
    }

    public void send(ControlMessage message) {
        runOnLoop(() -> {
            if (!closing) {
                writer.writeUrgent(new Frame(FrameType.CONTROL, 0, 0, JsonCodec.encode(alloc(), message)));
            }
        });
    }

    /**
     * Tells the peer this side is leaving: from now on neither side opens a stream, and an OPEN already on its way
     * here is refused, so its opener can try elsewhere. Streams already open keep running.
     *
     * @return completes when closing the carrier loses nothing: the peer has answered with its own GOAWAY (every
     *         OPEN it sent before that has arrived and been refused) and the last stream has ended; or when the
     *         carrier has closed. A peer that does not announce {@link Hello#GOAWAY_ACK} never answers, so for it
     *         the last stream's end is enough, as before. See docs/protocol.md, "Going away".
     */
    public Future<Void> goAway(ErrorCode code, String reason) {
        runOnLoop(() -> {
            if (!closing && goAwaySent == null) {
                sendGoAway(code, reason);
            }
            checkDrained();
        });
        return drained;
    }

    private void sendGoAway(ErrorCode code, String reason) {
        goAwaySent = code;
        writer.writeUrgent(new Frame(FrameType.GOAWAY, 0, 0, JsonCodec.encode(alloc(), GoAway.of(code, reason))));
    }

    /** Completes {@link #drained} once nothing can be lost by closing; on the event loop. */
    private void checkDrained() {
        boolean peerDone = goAwayReceived || peerHello == null || !peerAcknowledgesGoAway();
        if (goAwaySent != null && peerDone && streams.isEmpty()) {
            drained.trySuccess(null);
        }
    }

    /** Sends GOAWAY and closes the carrier once it has been written (or after a short grace period). */
    public void close(ErrorCode code, String reason) {
        runOnLoop(() -> closeWithGoAway(code, reason));
    }

    /** Opens a stream towards the peer; fails with {@link StreamResetException} when the session cannot take one. */
    public Future<TunnelStream> openStream(OpenStream open, StreamHandler handler) {
        Promise<TunnelStream> promise = ctx.executor().newPromise();
        runOnLoop(() -> {
            try {
                promise.setSuccess(openOnLoop(open, handler));
            } catch (StreamResetException e) {
                promise.setFailure(e);
            }
        });
        return promise;
    }

    /**
     * Sends one UDP datagram of flow {@code flowId}, taking ownership of {@code payload}. Datagrams are never queued:
     * one that finds the carrier not writable (or DATA already waiting), the session closing, or the payload above
     * the peer's frame limit is dropped, as a congested network would drop it.
     *
     * @return false when the datagram was dropped; called off the event loop it hops there and returns true, and a
     *         drop there goes uncounted, so callers that count drops call it on {@link #channel()}'s event loop
     */
    public boolean sendDatagram(int flowId, ByteBuf payload) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> sendDatagram(flowId, payload));
            return true;
        }
        if (closing || payload.readableBytes() > peerMaxFramePayload || !writer.isWritable()) {
            payload.release();
            return false;
        }
        writer.writeOrdered(new Frame(FrameType.DATAGRAM, 0, flowId, payload));
        return true;
    }

    /** Streams open right now; exact only on the event loop. */
    /**
     * Whether this side may still open streams for long: the carrier is up, neither side has said GOAWAY, and less
     * than half of this side's stream ids are used. A long-lived carrier that answers false should be replaced by a
     * new one while it drains. Any thread; the answer may be a moment old.
     */
    public boolean acceptsNewStreams() {
        Channel carrier = ctx == null ? null : ctx.channel();
        return carrier != null && carrier.isActive() && !closing && !goAwayReceived && goAwaySent == null
                && nextLocalStreamId > 0 && nextLocalStreamId < STREAM_ID_RENEWAL_MARK;
    }

    public int openStreams() {
        return streams.size();
    }

    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    // ---- pipeline events ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.writer = new FrameWriter(ctx, this::peerNotReading);
        this.budget = new WindowBudget(settings.connectionWindowBudget());
        this.closeFuture = ctx.executor().newPromise();
        this.drained = ctx.executor().newPromise();
        ctx.channel().config().setWriteBufferWaterMark(CARRIER_WATER_MARK);
        ctx.channel().config().setRecvByteBufAllocator(ReadBuffers.bulk());
        // Half-closure keeps the carrier writable after the peer's FIN, so a frame the FIN cut short can still be
        // answered with GOAWAY; a clean end of input then ends the session (userEventTriggered).
        ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        HalfCloseGuard.apply(ctx.channel());
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    private void start() {
        if (keepAlive != null) {
            return;
        }
        lastReadNanos = System.nanoTime();
        long interval = settings.pingInterval().toNanos();
        keepAlive = ctx.executor().scheduleAtFixedRate(this::keepAliveTick, interval, interval, TimeUnit.NANOSECONDS);
        if (role == Role.CLIENT) {
            sendHello();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Frame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        lastReadNanos = System.nanoTime();
        try {
            if (!closing) {
                dispatch(frame);
            }
        } catch (ProtocolException e) {
            protocolError(e);
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && writer.drain()) {
            for (MuxStream stream : new ArrayList<>(streams.values())) {
                safely(stream, stream::runWritableTask);
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (keepAlive != null) {
            keepAlive.cancel(false);
        }
        Throwable cause = closeCause != null ? closeCause : new ClosedChannelException();
        String reason = closeCause != null ? closeCause.getMessage() : "connection closed";
        for (MuxStream stream : new ArrayList<>(streams.values())) {
            safely(stream, () -> stream.onReset(ErrorCode.CONNECTION_CLOSED, reason));
        }
        writer.releaseAll();
        try {
            listener.onClosed(this, cause);
        } finally {
            drained.trySuccess(null);
            closeFuture.trySuccess(null);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // FrameDecoder turns an end of input inside a frame into a protocol error before this event gets here.
        if (evt instanceof ChannelInputShutdownEvent && !closing) {
            ctx.flush();
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Handlers below this one (TLS, frame decoding) report their failures wrapped in a DecoderException.
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof ProtocolException pe) {
            protocolError(pe);
        } else if (root instanceof IOException) {
            log.debug("[{}peer={}] carrier I/O error: {}", labelPrefix(), remoteAddress(), root.toString());
            recordCause(root);
            ctx.close();
        } else {
            log.error("[{}peer={}] unexpected error on carrier", labelPrefix(), remoteAddress(), cause);
            closeWithGoAway(ErrorCode.INTERNAL_ERROR, "internal error");
        }
    }

    // ---- frame dispatch ----

    private void dispatch(Frame frame) {
        if (peerHello == null && !isHello(frame) && frame.type() != FrameType.GOAWAY) {
            throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR,
                    "expected HELLO first, got %s", frame.type());
        }
        switch (frame.type()) {
            case CONTROL -> onControl(frame.content());
            case OPEN -> onOpen(frame);
            case DATA -> onData(frame);
            case WINDOW_UPDATE -> onWindowUpdate(frame);
            case FIN -> onFin(frame);
            case RST -> onRst(frame);
            case PING -> writer.writeUrgent(new Frame(FrameType.PONG, 0, 0, frame.content().retainedDuplicate()));
            case PONG -> rttNanos = System.nanoTime() - frame.content().getLong(frame.content().readerIndex());
            case DATAGRAM -> listener.onDatagram(this, frame.streamId(), frame.content().retain());
            case GOAWAY -> onGoAway(frame.content());
        }
    }

    /** Whether the peer answers a graceful GOAWAY with its own ({@link Hello#GOAWAY_ACK}). */
    private boolean peerAcknowledgesGoAway() {
        return peerHello != null && peerHello.capabilities().contains(Hello.GOAWAY_ACK);
    }

    private boolean isHello(Frame frame) {
        return frame.type() == FrameType.CONTROL && peerHello == null;
    }

    private void onControl(ByteBuf payload) {
        ControlMessage message = JsonCodec.decode(payload, ControlMessage.class);
        if (peerHello == null) {
            if (!(message instanceof Hello hello)) {
                throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR,
                        "expected HELLO first, got %s", message == null ? "an unknown message" : message.getClass().getSimpleName());
            }
            onHello(hello);
            return;
        }
        if (message == null) {
            log.debug("[{}peer={}] ignoring a control message of a type this version does not know", labelPrefix(), remoteAddress());
        } else if (message instanceof Hello) {
            throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR, "HELLO sent twice");
        } else {
            listener.onControl(this, message);
        }
    }

    private void onHello(Hello hello) {
        if (hello.protocolVersion() != SessionSettings.PROTOCOL_VERSION) {
            throw ProtocolException.connectionError(ErrorCode.UNSUPPORTED_VERSION,
                    "peer speaks protocol version %d, this side speaks %d", hello.protocolVersion(),
                    SessionSettings.PROTOCOL_VERSION);
        }
        peerHello = hello;
        if (hello.maxFramePayload() > 0) {
            peerMaxFramePayload = hello.maxFramePayload();
        }
        if (hello.maxConcurrentStreams() > 0) {
            peerMaxConcurrentStreams = hello.maxConcurrentStreams();
        }
        if (role == Role.SERVER) {
            sendHello();
        }
        listener.onReady(this);
    }

    private void sendHello() {
        Hello hello = new Hello(SessionSettings.PROTOCOL_VERSION, settings.softwareVersion(), Hello.CAPABILITIES,
                settings.maxFramePayload(), settings.maxConcurrentStreams());
        writer.writeUrgent(new Frame(FrameType.CONTROL, 0, 0, JsonCodec.encode(alloc(), hello)));
    }

    private void onOpen(Frame frame) {
        int id = frame.streamId();
        if (role.owns(id)) {
            throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR,
                    "OPEN on stream %d, which belongs to this side's half of the ids", id);
        }
        if (streams.containsKey(id)) {
            throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR, "OPEN reuses live stream %d", id);
        }
        if (id <= highestPeerStreamId) {
            throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR,
                    "OPEN reuses stream id %d (ids must increase; highest so far %d)", id, highestPeerStreamId);
        }
        highestPeerStreamId = id;
        OpenStream open = JsonCodec.decode(frame.content(), OpenStream.class);
        if (goAwayReceived || goAwaySent != null || closing) {
            refuse(id, "session is closing");
            return;
        }
        if (peerOpenedStreams >= settings.maxConcurrentStreams()) {
            refuse(id, "too many open streams (limit " + settings.maxConcurrentStreams() + ")");
            return;
        }
        MuxStream stream = newStream(id, open);
        peerOpenedStreams++;
        StreamHandler handler;
        try {
            handler = listener.onStreamOpened(this, stream);
        } catch (RuntimeException e) {
            log.error("[{}peer={} stream={}] stream listener failed", labelPrefix(), remoteAddress(), id, e);
            handler = null;
        }
        if (handler == null) {
            stream.reset(ErrorCode.REFUSED_STREAM, "refused");
        } else {
            stream.handler(handler);
            grantExtraInitialWindow(id);
        }
    }

    private void refuse(int id, String reason) {
        sendReset(id, ErrorCode.REFUSED_STREAM, reason);
    }

    private void onData(Frame frame) {
        MuxStream stream = liveStream(frame);
        if (stream != null) {
            safely(stream, () -> stream.onData(frame));
        }
    }

    private void onWindowUpdate(Frame frame) {
        int increment = frame.content().getInt(frame.content().readerIndex());
        if (increment <= 0) {
            throw ProtocolException.connectionError(ErrorCode.FLOW_CONTROL_ERROR,
                    "WINDOW_UPDATE on stream %d with increment %d, expected 1 to 2^31-1",
                    frame.streamId(), Integer.toUnsignedLong(increment));
        }
        MuxStream stream = streams.get(frame.streamId());
        if (stream != null) {
            // Credit runs the stream's writable task, which is application code.
            safely(stream, () -> stream.onWindowUpdate(increment));
        } else if (!wasUsed(frame.streamId())) {
            throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR,
                    "WINDOW_UPDATE for stream %d, which was never opened", frame.streamId());
        }
        // Credit for a stream that has ended is late, not wrong.
    }

    private void onFin(Frame frame) {
        MuxStream stream = liveStream(frame);
        if (stream != null) {
            safely(stream, stream::onFin);
        }
    }

    private void onRst(Frame frame) {
        ByteBuf payload = frame.content();
        if (payload.readableBytes() < 4) {
            throw ProtocolException.connectionError(ErrorCode.FRAME_SIZE_ERROR,
                    "RST on stream %d with %d bytes, expected at least 4", frame.streamId(), payload.readableBytes());
        }
        MuxStream stream = streams.get(frame.streamId());
        if (stream == null) {
            if (!wasUsed(frame.streamId())) {
                throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR,
                        "RST for stream %d, which was never opened", frame.streamId());
            }
            return;
        }
        ErrorCode code = ErrorCode.of(payload.getInt(payload.readerIndex()));
        String reason = payload.toString(payload.readerIndex() + 4, payload.readableBytes() - 4, StandardCharsets.UTF_8);
        safely(stream, () -> stream.onReset(code, reason));
    }

    private void onGoAway(ByteBuf payload) {
        GoAway goAway = JsonCodec.decode(payload, GoAway.class);
        goAwayReceived = true;
        if (goAway.errorCode() == ErrorCode.NO_ERROR || goAway.errorCode() == ErrorCode.SHUTTING_DOWN) {
            if (goAwaySent != null) {
                log.debug("[{}peer={}] peer acknowledged GOAWAY: {}", labelPrefix(), remoteAddress(), goAway.reason());
            } else {
                log.info("[{}peer={}] peer is going away: {}", labelPrefix(), remoteAddress(), goAway.reason());
                // Frames keep their order, so once this answer arrives every OPEN sent before it has been seen.
                sendGoAway(ErrorCode.NO_ERROR, "acknowledged");
            }
            checkDrained();
        } else {
            log.warn("[{}peer={}] peer closed the connection: {} {}", labelPrefix(), remoteAddress(),
                    goAway.errorCode(), goAway.reason());
            recordCause(new StreamResetException(goAway.errorCode(), goAway.reason()));
        }
        listener.onGoAway(this, goAway);
    }

    /**
     * The stream a DATA or FIN frame is for, or null when the frame is a late arrival for a stream this side
     * reset. Any other frame for a stream that is not open breaks the protocol.
     */
    private MuxStream liveStream(Frame frame) {
        int id = frame.streamId();
        MuxStream stream = streams.get(id);
        if (stream != null) {
            return stream;
        }
        if (recentlyReset.contains(id)) {
            return null;
        }
        throw ProtocolException.connectionError(ErrorCode.PROTOCOL_ERROR, "%s for %s stream %d", frame.type(),
                wasUsed(id) ? "closed" : "unknown", id);
    }

    private boolean wasUsed(int id) {
        return role.owns(id) ? id < nextLocalStreamId : id <= highestPeerStreamId;
    }

    // ---- streams ----

    private MuxStream openOnLoop(OpenStream open, StreamHandler handler) throws StreamResetException {
        boolean ending = closing || goAwayReceived || goAwaySent != null;
        if (ending || peerHello == null) {
            throw new StreamResetException(ErrorCode.REFUSED_STREAM,
                    ending ? "session is closing" : "session is not ready");
        }
        if (localOpenedStreams >= peerMaxConcurrentStreams) {
            throw new StreamResetException(ErrorCode.REFUSED_STREAM,
                    "peer allows at most " + peerMaxConcurrentStreams + " open streams");
        }
        if (nextLocalStreamId < 0) {
            throw new StreamResetException(ErrorCode.REFUSED_STREAM, "stream ids exhausted; reconnect");
        }
        int id = nextLocalStreamId;
        nextLocalStreamId += 2;
        MuxStream stream = newStream(id, open);
        stream.handler(handler);
        localOpenedStreams++;
        writer.writeUrgent(new Frame(FrameType.OPEN, 0, id, JsonCodec.encode(alloc(), open)));
        grantExtraInitialWindow(id);
        return stream;
    }

    /**
     * The peer starts every stream with the protocol's initial credit; a larger configured window is granted
     * at once, or the sender would stop at the protocol's credit while this side waits for half its own window
     * before returning any.
     */
    private void grantExtraInitialWindow(int id) {
        int extra = settings.initialWindow() - SessionSettings.DEFAULT_INITIAL_WINDOW;
        if (extra > 0) {
            writer.writeUrgent(new Frame(FrameType.WINDOW_UPDATE, 0, id, alloc().buffer(4).writeInt(extra)));
        }
    }

    private MuxStream newStream(int id, OpenStream open) {
        StreamWindow window = new StreamWindow(settings.initialWindow(), settings.maxWindow(), budget);
        MuxStream stream = new MuxStream(this, ctx.executor(), id, open, SessionSettings.DEFAULT_INITIAL_WINDOW, window);
        streams.put(id, stream);
        return stream;
    }

    void streamClosed(MuxStream stream) {
        if (streams.remove(stream.id()) != null) {
            if (role.owns(stream.id())) {
                localOpenedStreams--;
            } else {
                peerOpenedStreams--;
            }
            if (goAwaySent != null) {
                checkDrained();
            }
        }
    }

    void sendReset(int id, ErrorCode code, String reason) {
        rememberReset(id);
        if (closing) {
            return;
        }
        byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        ByteBuf payload = alloc().buffer(4 + text.length).writeInt(code.code()).writeBytes(text);
        writer.writeUrgent(new Frame(FrameType.RST, 0, id, payload));
    }

    private void rememberReset(int id) {
        recentlyReset.add(id);
        if (recentlyReset.size() > RECENTLY_RESET_MEMORY) {
            Iterator<Integer> oldest = recentlyReset.iterator();
            oldest.next();
            oldest.remove();
        }
    }

    FrameWriter writer() {
        return writer;
    }

    int peerMaxFramePayload() {
        return peerMaxFramePayload;
    }

    /** For tests: bytes a stream holds that its consumer has not drained. */
    int bufferedBytes(int streamId) {
        MuxStream stream = streams.get(streamId);
        return stream == null ? 0 : stream.bufferedForPeer();
    }

    /** For tests: the current receive window of a stream. */
    int receiveWindow(int streamId) {
        MuxStream stream = streams.get(streamId);
        return stream == null ? 0 : stream.receiveWindowSize();
    }

    // ---- keep-alive and closing ----

    private void keepAliveTick() {
        long silentNanos = System.nanoTime() - lastReadNanos;
        long limit = settings.pingInterval().toNanos() * settings.missedPings();
        if (silentNanos > limit) {
            log.warn("[{}peer={}] peer silent for {} ms; closing", labelPrefix(), remoteAddress(),
                    TimeUnit.NANOSECONDS.toMillis(silentNanos));
            recordCause(new StreamResetException(ErrorCode.KEEPALIVE_TIMEOUT, "peer silent"));
            closeWithGoAway(ErrorCode.KEEPALIVE_TIMEOUT, "no frame received for " + TimeUnit.NANOSECONDS.toMillis(silentNanos) + " ms");
            return;
        }
        // HELLO must be the first frame each way, so probing waits until both have been exchanged; the silence
        // check above still bounds a peer that never says HELLO.
        if (peerHello != null) {
            writer.writeUrgent(new Frame(FrameType.PING, 0, 0, alloc().buffer(8).writeLong(System.nanoTime())));
        }
    }

    /** The peer lets frames it provoked pile up unread: close without GOAWAY, which could not reach it either. */
    private void peerNotReading() {
        if (closing) {
            return;
        }
        log.warn("[{}peer={}] peer does not read: over {} bytes wait to be sent to it; closing", labelPrefix(),
                remoteAddress(), FrameWriter.URGENT_BACKLOG_LIMIT);
        recordCause(new StreamResetException(ErrorCode.FLOW_CONTROL_ERROR, "peer does not read"));
        closing = true;
        writer.releaseAll();
        ctx.close();
    }

    private void protocolError(ProtocolException e) {
        if (closing) {
            return;
        }
        log.warn("[{}peer={}] protocol error, closing: {} {}", labelPrefix(), remoteAddress(), e.code(), e.getMessage());
        recordCause(e);
        closeWithGoAway(e.code(), e.getMessage());
    }

    private void closeWithGoAway(ErrorCode code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        writer.releaseAll();
        Object last = code == goAwaySent ? Unpooled.EMPTY_BUFFER
                : new Frame(FrameType.GOAWAY, 0, 0, JsonCodec.encode(alloc(), GoAway.of(code, reason)));
        ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
        ctx.executor().schedule(() -> ctx.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void recordCause(Throwable cause) {
        if (closeCause == null) {
            closeCause = cause;
        }
    }

    /** A bug in one stream's handler resets that stream; it must not take the carrier and its other streams down. */
    private void safely(MuxStream stream, Runnable action) {
        try {
            action.run();
        } catch (ProtocolException e) {
            throw e;
        } catch (RuntimeException e) {
            log.error("[{}peer={} stream={}] stream handler failed", labelPrefix(), remoteAddress(), stream.id(), e);
            try {
                stream.resetAfterHandlerFailure();
            } catch (RuntimeException again) {
                log.error("[{}peer={} stream={}] stream handler failed on reset too", labelPrefix(), remoteAddress(),
                        stream.id(), again);
            }
        }
    }

    private void runOnLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }

    private String labelPrefix() {
        String l = label;
        return l.isEmpty() ? "" : l + " ";
    }
}
