package dev.portway.server.proxyprotocol;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/** The networks (server.yaml {@code proxyProtocol.trustedCidrs}) whose connections carry a PROXY header. */
public final class TrustedProxies {
    private final List<IpSubnetFilterRule> networks;

    private TrustedProxies(List<IpSubnetFilterRule> networks) {
        this.networks = networks;
    }

    /** @throws IllegalArgumentException naming the first entry that is not {@code address/prefix} */
    public static TrustedProxies of(List<String> cidrs) {
        return new TrustedProxies(cidrs.stream().map(TrustedProxies::parse).toList());
    }

    /**
     * Parses {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address means that one host.
     *
     * @throws IllegalArgumentException when {@code cidr} is not an IP address with an optional prefix length
     */
    public static IpSubnetFilterRule parse(String cidr) {
        int slash = cidr.indexOf('/');
        String address = slash < 0 ? cidr : cidr.substring(0, slash);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null) {
            throw new IllegalArgumentException("expected an IP network such as 10.0.0.0/8, got \"" + cidr + "\"");
        }
        int maxPrefix = bytes.length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? maxPrefix : Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > maxPrefix) {
            throw new IllegalArgumentException("expected a prefix length of 0 to " + maxPrefix + " in \"" + cidr + "\"");
        }
        try {
            return new IpSubnetFilterRule(InetAddress.getByAddress(bytes), prefix, IpFilterRuleType.ACCEPT);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("expected an IP network, got \"" + cidr + "\"", e);
        }
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
