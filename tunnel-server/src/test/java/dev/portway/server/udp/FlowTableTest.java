package dev.portway.server.udp;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

class FlowTableTest {
    private static final InetSocketAddress A = new InetSocketAddress("192.0.2.1", 4000);
    private static final InetSocketAddress B = new InetSocketAddress("192.0.2.2", 4000);

    @Test
    void eachPeerOfEachTunnelIsAFlowOfItsOwn() {
        FlowTable<String> table = new FlowTable<>(10);
        FlowTable.Flow<String> a = table.open("dns", A, 0);
        FlowTable.Flow<String> b = table.open("dns", B, 0);
        FlowTable.Flow<String> otherTunnel = table.open("game", A, 0);

        assertThat(a.id).isNotEqualTo(b.id).isNotEqualTo(otherTunnel.id);
        assertThat(table.find("dns", A)).isSameAs(a);
        assertThat(table.find("game", A)).isSameAs(otherTunnel);
        assertThat(table.get(b.id)).isSameAs(b);
        assertThat(table.size()).isEqualTo(3);
    }

    @Test
    void onlyFlowsIdleForTheWholeTimeoutExpire() {
        FlowTable<String> table = new FlowTable<>(10);
        FlowTable.Flow<String> quiet = table.open("dns", A, 0);
        FlowTable.Flow<String> busy = table.open("dns", B, 0);
        busy.lastActiveNanos = 900;

        assertThat(table.expire(1000, 1000)).containsExactly(quiet);
        assertThat(table.get(quiet.id)).isNull();
        assertThat(table.find("dns", A)).isNull();
        assertThat(table.get(busy.id)).isSameAs(busy);
    }

    @Test
    void theLimitRefusesNewFlowsUntilOneEnds() {
        FlowTable<String> table = new FlowTable<>(1);
        table.open("dns", A, 0);
        assertThat(table.open("dns", B, 0)).isNull();

        table.removeTunnel("dns");
        assertThat(table.open("dns", B, 0)).isNotNull();
    }

    @Test
    void anEndedFlowsIdIsNotReusedWhileIdsRemain() {
        FlowTable<String> table = new FlowTable<>(10);
        FlowTable.Flow<String> first = table.open("dns", A, 0);
        table.clear();
        FlowTable.Flow<String> second = table.open("dns", A, 0);

        assertThat(first.id).isEqualTo(1);
        assertThat(second.id).isEqualTo(2);
        assertThat(table.get(1)).isNull();
    }
}
