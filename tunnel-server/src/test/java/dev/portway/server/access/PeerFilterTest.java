package dev.portway.server.access;

import dev.portway.protocol.control.IpRules;
import dev.portway.server.config.AccessConfig;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PeerFilterTest {
    private static InetSocketAddress peer(String ip) {
        return new InetSocketAddress(ip, 40000);
    }

    @Test
    void allowNarrowsDenyWinsAndTheServersDenyListJoinsEveryTunnel() {
        PeerFilters filters = new PeerFilters(new AccessConfig(List.of("203.0.113.7"), List.of()));
        PeerFilter office = filters.forTunnel(new IpRules(List.of("203.0.113.0/24", "2001:db8::/32"),
                List.of("203.0.113.128/25")));
        assertThat(office.permits(peer("203.0.113.5"))).isTrue();
        assertThat(office.permits(peer("2001:db8::1"))).isTrue();
        assertThat(office.permits(peer("203.0.113.200"))).as("denied inside the allowed network").isFalse();
        assertThat(office.permits(peer("203.0.113.7"))).as("the server's deny list").isFalse();
        assertThat(office.permits(peer("198.51.100.1"))).as("not allowed").isFalse();

        PeerFilter open = filters.forTunnel(IpRules.NONE);
        assertThat(open.permits(peer("198.51.100.1"))).isTrue();
        assertThat(open.permits(peer("203.0.113.7"))).isFalse();
        assertThat(PeerFilters.NONE.forTunnel(IpRules.NONE).permits(peer("203.0.113.7"))).isTrue();
    }

    @Test
    void controlPeersAreTheAllowedNetworksLessTheDeniedOnes() {
        PeerFilter control = new PeerFilters(new AccessConfig(List.of("10.9.0.0/16"), List.of("10.0.0.0/8")))
                .control();
        assertThat(control.permits(peer("10.1.2.3"))).isTrue();
        assertThat(control.permits(peer("10.9.2.3"))).isFalse();
        assertThat(control.permits(peer("192.0.2.1"))).isFalse();
        assertThat(PeerFilters.NONE.control().permits(peer("192.0.2.1"))).isTrue();
    }

    @Test
    void aReloadReachesFiltersMadeBeforeIt() {
        PeerFilters filters = new PeerFilters(AccessConfig.NONE);
        PeerFilter tunnel = filters.forTunnel(new IpRules(List.of(), List.of("198.51.100.0/24")));
        assertThat(tunnel.permits(peer("203.0.113.7"))).isTrue();

        filters.replace(new AccessConfig(List.of("203.0.113.7"), List.of("10.0.0.0/8")));
        assertThat(tunnel.permits(peer("203.0.113.7"))).as("the server's new deny list").isFalse();
        assertThat(tunnel.permits(peer("198.51.100.1"))).as("the tunnel's own rules stay").isFalse();
        assertThat(tunnel.permits(peer("192.0.2.1"))).isTrue();
        assertThat(filters.control().permits(peer("192.0.2.1"))).as("the new controlAllow").isFalse();
        assertThat(filters.control().permits(peer("10.1.2.3"))).isTrue();
    }
}
