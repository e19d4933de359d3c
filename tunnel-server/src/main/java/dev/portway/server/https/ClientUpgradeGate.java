package dev.portway.server.https;

import dev.portway.protocol.transport.WebSocketCarrier;
import dev.portway.server.http.HttpPipeline;
import dev.portway.server.proxyprotocol.ProxyProtocolInbound;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.function.BiConsumer;

/**
 * Looks at the first request of a terminated HTTPS connection: a client's WebSocket upgrade ({@link ClientUpgrade})
 * turns the connection into a client connection, answered with {@code 101} and handed to the control server with
 * the WebSocket codec in place of the HTTP handlers; any other request goes on to the http tunnels, and the gate
 * steps aside for the rest of the connection. Sits between {@link HttpPipeline#CODEC} and {@link HttpPipeline#PROXY},
 * so the request line and headers are bounded and timed like every public request's.
 *
 * <p>Threading: one instance per connection, on its event loop. Reference counting: the upgrade request's end is
 * released here; the 101 is written through the HTTP encoder before the encoder is replaced, since a
 * write is encoded synchronously on the event loop.
 */
public final class ClientUpgradeGate extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ClientUpgradeGate.class);
    static final String NAME = "client-upgrade";

    private final ClientUpgrade upgrade;
    private final int maxFramePayload;
    private final BiConsumer<Channel, InetSocketAddress> clients;
    /** The upgrade request, from when it was recognised until its end arrives. */
    private HttpRequest pending;

    /**
     * @param maxFramePayload the control protocol's largest frame payload, which bounds a WebSocket message
     * @param clients         takes the upgraded connection, with the client's real address
     */
    ClientUpgradeGate(String path, int maxFramePayload, BiConsumer<Channel, InetSocketAddress> clients) {
        this.upgrade = new ClientUpgrade(path);
        this.maxFramePayload = maxFramePayload;
        this.clients = clients;
    }

    /**
     * What the https listener does with a decrypted connection when it takes clients: {@code web}'s HTTP handlers,
     * with the gate in front of the proxy.
     */
    public static DecryptedHttp around(DecryptedHttp web, String path, int maxFramePayload,
                                       BiConsumer<Channel, InetSocketAddress> clients) {
        return (channel, sniHost) -> {
            web.serve(channel, sniHost);
            channel.pipeline().addBefore(HttpPipeline.PROXY, NAME, new ClientUpgradeGate(path, maxFramePayload, clients));
        };
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (pending != null) {
            // The upgrade request's end, which the HTTP decoder sends right after it; a body, or anything but the
            // request's content, has no place here.
            boolean empty = msg instanceof HttpContent content && !content.content().isReadable();
            boolean last = msg instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
            if (!empty) {
                ctx.close();
            } else if (last) {
                become(ctx, pending);
            }
            return;
        }
        if (msg instanceof HttpRequest request && upgrade.matches(request)) {
            pending = request;
            if (msg instanceof LastHttpContent) {
                ReferenceCountUtil.release(msg);
                become(ctx, request);
            }
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }

    private void become(ChannelHandlerContext ctx, HttpRequest request) {
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.remove(HttpPipeline.PROXY);
        pipeline.remove(HttpPipeline.THROTTLE);
        pipeline.remove(HttpPipeline.CLOCK);
        ctx.writeAndFlush(upgrade.accept(request));
        pipeline.addAfter(HttpPipeline.CODEC, "websocket-decoder",
                new WebSocket13FrameDecoder(WebSocketCarrier.decoderConfig(maxFramePayload, true)));
        pipeline.replace(this, "websocket-carrier", new WebSocketCarrier(false));
        InetSocketAddress peer = ProxyProtocolInbound.endpoints(ctx.channel()).peer();
        log.debug("[peer={}] client connection upgraded on the https port", peer);
        clients.accept(ctx.channel(), peer);
        // Last, once the session's handlers are in place, and in one step, so that the WebSocket encoder is there for
        // anything they answer: bytes the HTTP decoder holds beyond the request (a client that sent its first frames
        // without waiting for the 101) go on to the WebSocket decoder as the HTTP codec leaves.
        pipeline.replace(HttpPipeline.CODEC, "websocket-encoder", new WebSocket13FrameEncoder(false));
        ctx.channel().config().setAutoRead(true);
        ctx.channel().read();
    }
}
