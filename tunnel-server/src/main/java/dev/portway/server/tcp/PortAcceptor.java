package dev.portway.server.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;

/** The child handler of one public TCP port, bound by {@link TcpTunnelBinder}, which tells it the bound channel. */
public interface PortAcceptor extends ChannelHandler {
    /** The port is bound; closing {@code serverChannel} stops accepting. */
    void bound(Channel serverChannel);
}
