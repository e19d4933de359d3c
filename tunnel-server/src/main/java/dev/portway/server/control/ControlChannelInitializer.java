package dev.portway.server.control;

import dev.portway.protocol.frame.FrameDecoder;
import dev.portway.protocol.frame.FrameEncoder;
import dev.portway.protocol.mux.Role;
import dev.portway.protocol.mux.SessionSettings;
import dev.portway.protocol.mux.TunnelSession;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import java.util.concurrent.TimeUnit;

/**
 * The pipeline of a client's control connection, in order: TLS, frame decoder, frame encoder, multiplexer. The
 * TLS handshake shares the handshake timeout with HELLO and AUTH.
 */
public final class ControlChannelInitializer extends ChannelInitializer<SocketChannel> {
    public static final String TLS = "tls";
    public static final String FRAME_DECODER = "frame-decoder";
    public static final String FRAME_ENCODER = "frame-encoder";
    public static final String SESSION = "session";

    private static final FrameEncoder ENCODER = new FrameEncoder();

    private final SslContext sslContext;
    private final SessionSettings settings;
    private final ControlContext context;
    private final ChannelGroup carriers;

    ControlChannelInitializer(SslContext sslContext, SessionSettings settings, ControlContext context, ChannelGroup carriers) {
        this.sslContext = sslContext;
        this.settings = settings;
        this.context = context;
        this.carriers = carriers;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        carriers.add(ch);
        SslHandler tls = sslContext.newHandler(ch.alloc());
        tls.setHandshakeTimeout(context.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ClientSession client = new ClientSession(context);
        client.armHandshakeTimeout(ch);
        ch.pipeline()
                .addLast(TLS, tls)
                .addLast(FRAME_DECODER, new FrameDecoder(settings.maxFramePayload()))
                .addLast(FRAME_ENCODER, ENCODER)
                .addLast(SESSION, new TunnelSession(Role.SERVER, settings, client));
    }
}
