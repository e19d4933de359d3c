package dev.portway.protocol.mux;

import dev.portway.protocol.frame.FrameDecoder;
import dev.portway.protocol.frame.FrameEncoder;
import dev.portway.testkit.Wire;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.List;

/** One session on an {@link EmbeddedChannel}, fed hand-built wire bytes; what it writes back is read as frames. */
final class DrivenSession {
    final RecordingListener listener = new RecordingListener();
    final TunnelSession session;
    final EmbeddedChannel channel;

    DrivenSession(Role role, SessionSettings settings) {
        session = new TunnelSession(role, settings, listener);
        channel = new EmbeddedChannel(new FrameDecoder(settings.maxFramePayload()), new FrameEncoder(), session);
    }

    static DrivenSession server() {
        return new DrivenSession(Role.SERVER, SessionSettings.defaults("test"));
    }

    /** A server that has answered the peer's HELLO; what it wrote so far is discarded. */
    static DrivenSession helloedServer() {
        DrivenSession driven = server();
        driven.feed(Wire.hello());
        driven.sent();
        return driven;
    }

    void feed(byte[]... frames) {
        channel.writeInbound(Unpooled.wrappedBuffer(Wire.concat(frames)));
        channel.runPendingTasks();
    }

    List<SentFrame> sent() {
        channel.runPendingTasks();
        return SentFrame.drain(channel);
    }
}
