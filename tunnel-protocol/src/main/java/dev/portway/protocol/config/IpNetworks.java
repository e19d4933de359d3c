package dev.portway.protocol.config;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** IP networks as configuration writes them: {@code 10.0.0.0/8}, {@code fd00::/8}, or a bare address for one host. */
public final class IpNetworks {
    private IpNetworks() {
    }

    /** @throws IllegalArgumentException saying what was expected, when {@code cidr} is not such a network */
    public static IpSubnetFilterRule parse(String cidr) {
        if (cidr == null) {
            throw new IllegalArgumentException("expected an IP network such as 10.0.0.0/8, got nothing");
        }
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
}
