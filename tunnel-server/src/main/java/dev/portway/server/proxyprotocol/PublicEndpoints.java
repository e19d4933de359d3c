package dev.portway.server.proxyprotocol;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who a public connection is from and what it was addressed to: the socket's own addresses, or behind a trusted
 * proxy the ones its PROXY header gave.
 *
 * @param peer   the public client
 * @param target the public address it connected to
 */
public record PublicEndpoints(InetSocketAddress peer, InetSocketAddress target) {
    /** {@code ip:port}, as OPEN frames carry addresses; an IPv6 address in brackets, so the port stays apart. */
    public static String format(InetSocketAddress address) {
        String ip = address.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + address.getPort();
    }

    /** As {@link #format}, for any socket address: an unresolved or non-IP one as it prints itself. */
    public static String text(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null ? format(inet)
                : String.valueOf(address);
    }

    public String peerText() {
        return format(peer);
    }

    public String targetText() {
        return format(target);
    }
}
