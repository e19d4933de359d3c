package dev.portway.server.https;

import dev.portway.server.plans.UserAccounts;
import dev.portway.server.config.LimitsConfig;
import dev.portway.monitor.TunnelMetrics;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.access.PeerFilter;
import dev.portway.server.auth.Principal;
import dev.portway.server.limits.ConnectionCap;
import dev.portway.server.tcp.TunnelCounters;
import dev.portway.server.tunnel.TunnelConnections;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SniDispatcherTest {
    private static final TunnelConnections SECURE = new TunnelConnections("secure", TunnelType.HTTP, null,
            new TunnelCounters(TunnelMetrics.NOOP.traffic("secure", "u"), null,
                    new Principal("u", Principal.NOT_STORED, Principal.NOT_STORED),
                    UserAccounts.serverLimitsOnly(LimitsConfig.DEFAULTS).account(new Principal("u", Principal.NOT_STORED, Principal.NOT_STORED))), null, PeerFilter.OPEN, ConnectionCap.NONE, null);

    private final SslContext appContext = context();
    private final Map<String, HttpsRoute> routes = Map.of(
            "app.example.test", HttpsRoute.TERMINATE,
            "nocert.example.test", HttpsRoute.TERMINATE,
            "secure.example.test", new HttpsRoute.Passthrough(SECURE));
    private final SniDispatcher dispatcher = new SniDispatcher(host -> Optional.ofNullable(routes.get(host)),
            host -> host.equals("app.example.test") ? Optional.of(appContext) : Optional.empty());

    private static SslContext context() {
        try {
            SelfSignedCertificate cert = new SelfSignedCertificate("app.example.test");
            return SslContextBuilder.forServer(cert.key(), cert.cert()).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aTerminatedHostGetsItsCertificatesContext() {
        assertThat(dispatcher.decide("App.Example.Test.")).isEqualTo(new SniDecision.Terminate(appContext));
    }

    @Test
    void aPassthroughHostGetsItsTunnelAndNeedsNoCertificate() {
        assertThat(dispatcher.decide("secure.example.test")).isEqualTo(new SniDecision.Passthrough(SECURE));
    }

    @Test
    void noNameUnknownNameAndMissingCertificateAreRefusedWithAReason() {
        assertThat(dispatcher.decide(null)).isEqualTo(new SniDecision.Refuse("no SNI host name"));
        assertThat(dispatcher.decide("other.example.test"))
                .isEqualTo(new SniDecision.Refuse("no tunnel serves other.example.test"));
        assertThat(dispatcher.decide("nocert.example.test")).isInstanceOfSatisfying(SniDecision.Refuse.class,
                refuse -> assertThat(refuse.reason()).startsWith("no certificate covers nocert.example.test"));
    }
}
