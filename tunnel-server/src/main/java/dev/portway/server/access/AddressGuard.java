package dev.portway.server.access;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;

import java.net.SocketAddress;
import java.util.function.Consumer;

/**
 * A listener's first check: a connection from an address its filter refuses is closed at accept, before TLS or any
 * other work. The control listener uses it; public listeners judge the real peer later, after a PROXY header. Installed
 * even while the filter lets everyone in: a reload may add rules.
 */
public final class AddressGuard {
    private AddressGuard() {
    }

    /** The child handler that admits permitted peers into {@code pipeline} and tells {@code onRefused} of others. */
    public static ChannelHandler guard(PeerFilter filter, Consumer<SocketAddress> onRefused, ChannelHandler pipeline) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (filter.permits(ch.remoteAddress())) {
                    ch.pipeline().addLast(pipeline);
                } else {
                    onRefused.accept(ch.remoteAddress());
                    ch.close();
                }
            }
        };
    }
}
