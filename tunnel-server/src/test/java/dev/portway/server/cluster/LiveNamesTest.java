package dev.portway.server.cluster;

import dev.portway.protocol.control.GroupOptions;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.tunnel.TunnelRefusedException;
import dev.portway.storage.cluster.LiveName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which names a tunnel claims cluster-wide before it binds. */
class LiveNamesTest {
    private final DatabaseSessionLedger ledger = new DatabaseSessionLedger(null, null, "a", "Tunnel.Example.com", null);

    @Test
    void aPortAskedForIsClaimedByTypeAndAPickedOneOnlyOnceBound() throws Exception {
        assertThat(ledger.names(new TunnelSpec("ssh", TunnelType.TCP, 5000, null)))
                .containsExactly(new LiveName(LiveName.Kind.TCP, "5000"));
        assertThat(ledger.names(new TunnelSpec("dns", TunnelType.UDP, 5000, null)))
                .containsExactly(new LiveName(LiveName.Kind.UDP, "5000"));
        assertThat(ledger.names(new TunnelSpec("any", TunnelType.TCP, 0, null))).isEmpty();
    }

    @Test
    void anHttpTunnelClaimsEachHostWithEachLocation() throws Exception {
        HttpOptions http = new HttpOptions("App", List.of("shop.example.org"), List.of("/api", "/static"), null,
                null, null, null, null);
        assertThat(ledger.names(new TunnelSpec("web", TunnelType.HTTP, 0, null, http, null)))
                .extracting(LiveName::name).containsExactly("app.tunnel.example.com/api",
                        "app.tunnel.example.com/static", "shop.example.org/api", "shop.example.org/static");
        HttpOptions whole = new HttpOptions("app", List.of(), List.of(), null, null, null, null, null);
        assertThat(ledger.names(new TunnelSpec("web", TunnelType.HTTP, 0, null, whole, null)))
                .extracting(LiveName::describe).containsExactly("host app.tunnel.example.com/");
        assertThatThrownBy(() -> ledger.names(new TunnelSpec("web", TunnelType.HTTP, 0, null,
                new HttpOptions(null, List.of(), List.of(), null, null, null, null, null), null)))
                .isInstanceOf(TunnelRefusedException.class);
    }

    @Test
    void membersOfALoadBalancingGroupShareTheirNameAndClaimNothing() throws Exception {
        assertThat(ledger.names(new TunnelSpec("ssh", TunnelType.TCP, 5000, null, null,
                new GroupOptions("pool", "key", null)))).isEmpty();
    }
}
