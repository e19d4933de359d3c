package dev.portway.server.plans;

import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.LimitsConfig;
import dev.portway.storage.plans.AtLimit;
import dev.portway.storage.plans.PlanLimits;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PlanChecksTest {
    private static final LimitsConfig SERVER = LimitsConfig.DEFAULTS;

    private static PlanLimits plan(Integer tunnels, Set<TunnelType> types, Integer portMin, Integer portMax,
                                   boolean customDomains) {
        return new PlanLimits(null, AtLimit.SUSPEND, null, 0.8, null, null, null, null, tunnels, null, types,
                portMin, portMax, customDomains);
    }

    private static TunnelSpec tcp(int port) {
        return new TunnelSpec("t", TunnelType.TCP, port, null);
    }

    private static TunnelSpec web(List<String> domains) {
        return new TunnelSpec("w", TunnelType.HTTP, 0, null,
                new HttpOptions("app", domains, null, null, null, null, null, null), null);
    }

    @Test
    void withoutAPlanOnlyTheServersCountsApply() {
        UserTerms terms = UserTerms.of(SERVER);
        assertThat(PlanChecks.refusal(tcp(0), terms)).isNull();
        assertThat(PlanChecks.refusal(web(List.of("example.org")), terms)).isNull();
        assertThat(PlanChecks.tooMany(SERVER.tunnelsPerUser() - 1, terms)).isNull();
        assertThat(PlanChecks.tooMany(SERVER.tunnelsPerUser(), terms))
                .isEqualTo("user holds 1024 tunnels, as many as the server's limits allows");
    }

    @Test
    void aPlanNamesWhatItRefuses() {
        UserTerms terms = UserTerms.of(plan(2, Set.of(TunnelType.TCP, TunnelType.HTTP), 20000, null, false), "small",
                SERVER, false);
        assertThat(PlanChecks.refusal(new TunnelSpec("u", TunnelType.UDP, 20001, null), terms))
                .isEqualTo("tunnel type udp is not part of plan \"small\"");
        assertThat(PlanChecks.refusal(tcp(0), terms))
                .isEqualTo("plan \"small\" allows ports 20000-65535 only: ask for one (remotePort)");
        assertThat(PlanChecks.refusal(tcp(19999), terms))
                .isEqualTo("port 19999 is outside 20000-65535, the ports plan \"small\" allows");
        assertThat(PlanChecks.refusal(tcp(20000), terms)).isNull();
        assertThat(PlanChecks.tooMany(2, terms)).isEqualTo("user holds 2 tunnels, as many as plan \"small\" allows");
        assertThat(PlanChecks.refusal(web(List.of()), terms)).as("http ignores the port range").isNull();
        assertThat(PlanChecks.refusal(web(List.of("example.org")), terms))
                .isEqualTo("custom domains are not part of plan \"small\"; use a subdomain");
    }

    @Test
    void aThrottledUserDropsToTheFloorButNeverAboveItsOwnLimit() {
        PlanLimits limits = new PlanLimits(1000L, AtLimit.THROTTLE, 4096L, 0.8, 1L << 20, null, null, null, null,
                null, null, null, null, true);
        assertThat(UserTerms.of(limits, "p", SERVER, false).bandwidthPerUser()).isEqualTo(1L << 20);
        assertThat(UserTerms.of(limits, "p", SERVER, true).bandwidthPerUser()).isEqualTo(4096);
        PlanLimits tight = new PlanLimits(1000L, AtLimit.THROTTLE, 1L << 20, 0.8, 4096L, null, null, null, null,
                null, null, null, null, true);
        assertThat(UserTerms.of(tight, "p", SERVER, true).bandwidthPerUser()).isEqualTo(4096);
        assertThat(UserTerms.of(PlanLimits.UNLIMITED, null, SERVER, false).connectionsPerUser())
                .isEqualTo(SERVER.streamsPerUser());
        PlanLimits generous = new PlanLimits(null, AtLimit.SUSPEND, null, 0.8, null, null, null, 10_000_000,
                1_000_000, 1_000_000, null, null, null, true);
        UserTerms held = UserTerms.of(generous, "big", SERVER, false);
        assertThat(held.connectionsPerUser()).as("within the server's ceiling").isEqualTo(SERVER.streamsPerUser());
        assertThat(held.tunnels()).isEqualTo(SERVER.tunnelsPerUser());
        assertThat(held.clients()).isEqualTo(SERVER.sessionsPerUser());
    }
}
