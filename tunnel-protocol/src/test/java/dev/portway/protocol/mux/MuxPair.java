package dev.portway.protocol.mux;

import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.frame.FrameDecoder;
import dev.portway.protocol.frame.FrameEncoder;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;

/**
 * A client and a server session on two {@link EmbeddedChannel}s; {@link #pump} carries each side's outbound bytes
 * to the other until both are quiet, so a test controls exactly when the "network" moves.
 */
final class MuxPair {
    final RecordingListener clientListener = new RecordingListener();
    final RecordingListener serverListener = new RecordingListener();
    final TunnelSession client;
    final TunnelSession server;
    final EmbeddedChannel clientChannel;
    final EmbeddedChannel serverChannel;

    MuxPair() {
        this(SessionSettings.defaults("client"), SessionSettings.defaults("server"));
    }

    MuxPair(SessionSettings clientSettings, SessionSettings serverSettings) {
        client = new TunnelSession(Role.CLIENT, clientSettings, clientListener);
        server = new TunnelSession(Role.SERVER, serverSettings, serverListener);
        clientChannel = new EmbeddedChannel(new FrameDecoder(clientSettings.maxFramePayload()), new FrameEncoder(), client);
        serverChannel = new EmbeddedChannel(new FrameDecoder(serverSettings.maxFramePayload()), new FrameEncoder(), server);
        pump();
    }

    /** Moves bytes both ways until neither side has anything more to say. */
    void pump() {
        boolean moved;
        do {
            clientChannel.runPendingTasks();
            serverChannel.runPendingTasks();
            moved = transfer(clientChannel, serverChannel) | transfer(serverChannel, clientChannel);
        } while (moved);
        clientChannel.checkException();
        serverChannel.checkException();
    }

    TunnelStream open(TunnelSession from, String tunnel, StreamHandler handler) {
        Future<TunnelStream> opened = from.openStream(new OpenStream(tunnel, "198.51.100.1:5555"), handler);
        pump();
        return opened.getNow();
    }

    /** Both channels must be empty and free of errors. */
    void finish() {
        pump();
        boolean clientLeft = clientChannel.finishAndReleaseAll();
        boolean serverLeft = serverChannel.finishAndReleaseAll();
        if (clientLeft || serverLeft) {
            throw new AssertionError("frames left unread: client=" + clientLeft + " server=" + serverLeft);
        }
    }

    private static boolean transfer(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (Object msg; (msg = from.readOutbound()) != null; ) {
            moved = true;
            if (to.isOpen()) {
                to.writeInbound(msg);
            } else {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }
        return moved;
    }
}
