package dev.portway.server.control;

import dev.portway.protocol.mux.Role;
import dev.portway.protocol.mux.SessionSettings;
import dev.portway.protocol.mux.TunnelSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import java.util.concurrent.TimeUnit;

/**
 * The pipeline of a client's control connection, in order: TLS, frame decoder, frame encoder, multiplexer. The
 * TLS handshake shares the handshake timeout with HELLO and AUTH. A client that came in as a WebSocket on the HTTPS
 * port gets the same handlers after its WebSocket codec ({@link #installSession}).
 */
public final class ControlChannelInitializer extends ChannelInitializer<SocketChannel> {
    public static final String TLS = "tls";
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
        SslHandler tls = sslContext.newHandler(ch.alloc());
        tls.setHandshakeTimeout(context.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ch.pipeline().addLast(TLS, tls);
        installSession(ch);
    }

    /**
     * Adds the frame codec and the session at the end of the pipeline of a connection whose bytes are the frames:
     * after TLS on the control port, after the WebSocket codec on the HTTPS port. The handshake deadline starts now.
     */
    void installSession(Channel ch) {
        carriers.add(ch);
        ClientSession client = new ClientSession(context);
        client.armHandshakeTimeout(ch);
        new TunnelSession(Role.SERVER, settings, client).addTo(ch.pipeline());
    }
}
