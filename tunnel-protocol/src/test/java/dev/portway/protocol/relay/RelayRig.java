package dev.portway.protocol.relay;

import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.control.ControlMessage;
import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.frame.FrameDecoder;
import dev.portway.protocol.frame.FrameEncoder;
import dev.portway.protocol.mux.Role;
import dev.portway.protocol.mux.SessionListener;
import dev.portway.protocol.mux.SessionSettings;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
import dev.portway.testkit.TrackingAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

import java.util.List;
import java.util.function.Consumer;

/**
 * One relayed connection, all on embedded channels: public socket, {@link StreamRelay}, server session, carrier,
 * client session, {@link StreamRelay}, local socket. Nothing moves on its own: the carrier carries frames only
 * when told, and sockets are read only when told, so a test can play any interleaving of the events that end a
 * relayed connection.
 */
final class RelayRig implements AutoCloseable {
    enum End {
        PUBLIC, LOCAL;

        End other() {
            return this == PUBLIC ? LOCAL : PUBLIC;
        }
    }

    private static final int SETTLE_ROUNDS = 100_000;

    final TrackingAllocator alloc = new TrackingAllocator();
    private final SessionSettings settings = SessionSettings.defaults("rig");
    private final TunnelSession server = new TunnelSession(Role.SERVER, settings, new RefuseStreams());
    private final TunnelSession client = new TunnelSession(Role.CLIENT, settings, new DialLocal());
    private final EmbeddedChannel serverCarrier = carrier(server);
    private final EmbeddedChannel clientCarrier = carrier(client);
    private final FakeSocket publicSocket = new FakeSocket(alloc, true);
    private final StreamRelay publicRelay = new StreamRelay(publicSocket.eventLoop(), "public");
    private TunnelStream serverStream;
    private TunnelStream clientStream;
    private FakeSocket localSocket;
    private boolean opened;

    RelayRig() {
        publicSocket.pipeline().addLast(publicRelay);
        deliverAll();
    }

    // ---- events ----

    /** The server opens the stream for the public connection, as its listener does right after accepting it. */
    void open() {
        if (opened) {
            return;
        }
        opened = true;
        server.openStream(new OpenStream("rig", "198.51.100.7:4000"), publicRelay).addListener(f -> {
            if (f.isSuccess()) {
                serverStream = (TunnelStream) f.getNow();
                publicRelay.attachStream(serverStream);
            } else {
                // A connection whose stream cannot open is cut before it began.
                StreamRelay.abort(publicSocket);
            }
        });
        runTasks();
    }

    /** The socket at {@code end}, or null while the local service has not been dialled. */
    FakeSocket socket(End end) {
        return end == End.PUBLIC ? publicSocket : localSocket;
    }

    TunnelSession session(End end) {
        return end == End.PUBLIC ? server : client;
    }

    /** The stream at {@code end}, or null before it exists there. */
    TunnelStream stream(End end) {
        return end == End.PUBLIC ? serverStream : clientStream;
    }

    boolean streamOpen(End end) {
        TunnelStream stream = stream(end);
        return stream != null && !stream.closeFuture().isDone();
    }

    /**
     * The application at {@code end} cuts the stream, and with it its own socket: a stream reset from this side is
     * not reported to this side's handler ({@link dev.portway.protocol.mux.StreamHandler#onReset} is for the peer's
     * RST), so whoever resets a relayed stream aborts its socket too.
     */
    void resetStream(End end) {
        if (streamOpen(end)) {
            stream(end).reset(ErrorCode.CANCEL, "reset by the test");
            StreamRelay.abort(socket(end));
        }
        runTasks();
    }

    /** Carries up to {@code frames} encoded writes from {@code from}'s carrier to the other side. */
    void deliver(End from, int frames) {
        EmbeddedChannel source = carrier(from);
        EmbeddedChannel target = carrier(from.other());
        for (int i = 0; i < frames; i++) {
            Object msg = source.readOutbound();
            if (msg == null) {
                break;
            }
            if (target.isOpen()) {
                target.writeInbound(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
        runTasks();
    }

    /** Marks {@code end}'s carrier not writable (or writable again) as a full socket buffer would. */
    void carrierWritable(End end, boolean writable) {
        EmbeddedChannel carrier = carrier(end);
        if (carrier.isOpen()) {
            carrier.unsafe().outboundBuffer().setUserDefinedWritability(1, writable);
        }
        runTasks();
    }

    boolean carrierUp() {
        return serverCarrier.isOpen();
    }

    void loseCarrier() {
        serverCarrier.close();
        clientCarrier.close();
        runTasks();
    }

    /** Runs {@code action} on the socket at {@code end} if it exists, then lets every loop run. */
    void onSocket(End end, Consumer<FakeSocket> action) {
        FakeSocket socket = socket(end);
        if (socket != null) {
            action.accept(socket);
        }
        runTasks();
    }

    /**
     * Lets the connection run to its end: the carrier carries everything and stays writable, sockets read and
     * write freely, and both peers half-close after what they sent. Fails when it does not come to rest.
     */
    void settle() {
        open();
        for (int round = 0; round < SETTLE_ROUNDS; round++) {
            for (End end : End.values()) {
                carrierWritable(end, true);
                onSocket(end, socket -> {
                    socket.connect();
                    socket.stall(false);
                    socket.peerHalfCloses();
                    socket.serveRead(Integer.MAX_VALUE, true);
                });
            }
            deliverAll();
            if (atRest()) {
                return;
            }
        }
        throw new AssertionError("the relayed connection did not come to rest");
    }

    private boolean atRest() {
        List<EmbeddedChannel> carriers = List.of(serverCarrier, clientCarrier);
        for (EmbeddedChannel carrier : carriers) {
            if (!carrier.outboundMessages().isEmpty() || carrier.hasPendingTasks()) {
                return false;
            }
        }
        for (End end : End.values()) {
            FakeSocket socket = socket(end);
            boolean peerStillSending = socket != null && socket.isOpen() && !socket.peerHalfClosed() && !socket.peerReset();
            if (socket != null && (socket.hasPendingTasks() || socket.canRead() || peerStillSending)) {
                return false;
            }
        }
        return true;
    }

    private void deliverAll() {
        runTasks();
        while (!serverCarrier.outboundMessages().isEmpty() || !clientCarrier.outboundMessages().isEmpty()) {
            deliver(End.PUBLIC, Integer.MAX_VALUE);
            deliver(End.LOCAL, Integer.MAX_VALUE);
        }
    }

    /** Every embedded loop runs what it has queued; a task on one loop may queue work on another. */
    private void runTasks() {
        boolean ran;
        do {
            ran = false;
            for (EmbeddedChannel channel : channels()) {
                if (channel.hasPendingTasks()) {
                    channel.runPendingTasks();
                    ran = true;
                }
            }
        } while (ran);
        for (EmbeddedChannel channel : channels()) {
            channel.checkException();
        }
    }

    private List<EmbeddedChannel> channels() {
        return localSocket == null ? List.of(serverCarrier, clientCarrier, publicSocket)
                : List.of(serverCarrier, clientCarrier, publicSocket, localSocket);
    }

    private EmbeddedChannel carrier(End end) {
        return end == End.PUBLIC ? serverCarrier : clientCarrier;
    }

    private EmbeddedChannel carrier(TunnelSession session) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(new FrameDecoder(settings.maxFramePayload()), new FrameEncoder(), session);
        return channel;
    }

    /** Closes everything (sockets first, so their last RST frames are released with the carriers). */
    @Override
    public void close() {
        publicSocket.finishAndReleaseAll();
        if (localSocket != null) {
            localSocket.finishAndReleaseAll();
        }
        runTasks();
        serverCarrier.finishAndReleaseAll();
        clientCarrier.finishAndReleaseAll();
    }

    /** The client's side: each stream the server opens is joined to a freshly connected local socket. */
    private final class DialLocal implements SessionListener {
        @Override
        public void onControl(TunnelSession session, ControlMessage message) {
        }

        @Override
        public StreamHandler onStreamOpened(TunnelSession session, TunnelStream stream) {
            localSocket = new FakeSocket(alloc, false);
            StreamRelay relay = new StreamRelay(localSocket.eventLoop(), "local");
            localSocket.pipeline().addLast(relay);
            clientStream = stream;
            relay.attachStream(stream);
            return relay;
        }
    }

    private static final class RefuseStreams implements SessionListener {
        @Override
        public void onControl(TunnelSession session, ControlMessage message) {
        }

        @Override
        public StreamHandler onStreamOpened(TunnelSession session, TunnelStream stream) {
            return null;
        }
    }
}
