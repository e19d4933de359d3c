package dev.portway.server.proxyprotocol;

import dev.portway.protocol.config.IpNetworks;
import io.netty.handler.ipfilter.IpSubnetFilterRule;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * The networks (server.yaml {@code proxyProtocol.trustedCidrs}) whose connections carry a PROXY header. A reload
 * ({@link #replace}) applies to connections accepted after it.
 */
public final class TrustedProxies {
    private volatile List<IpSubnetFilterRule> networks;

    private TrustedProxies(List<IpSubnetFilterRule> networks) {
        this.networks = networks;
    }

    /** @throws IllegalArgumentException naming the first entry that is not {@code address/prefix} */
    public static TrustedProxies of(List<String> cidrs) {
        return new TrustedProxies(cidrs.stream().map(TrustedProxies::parse).toList());
    }

    /** Trusts {@code cidrs} from now on; the loader has checked them. */
    public void replace(List<String> cidrs) {
        networks = cidrs.stream().map(TrustedProxies::parse).toList();
    }

    /** @throws IllegalArgumentException when {@code cidr} is not an IP network ({@link IpNetworks}) */
    public static IpSubnetFilterRule parse(String cidr) {
        return IpNetworks.parse(cidr);
    }

    public boolean trusts(SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress address) || address.isUnresolved()) {
            return false;
        }
        for (IpSubnetFilterRule network : networks) {
            if (network.matches(address)) {
                return true;
            }
        }
        return false;
    }
}
