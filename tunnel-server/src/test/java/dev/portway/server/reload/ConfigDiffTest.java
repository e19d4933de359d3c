package dev.portway.server.reload;

import dev.portway.protocol.config.PortRanges;
import dev.portway.server.config.AccessConfig;
import dev.portway.server.config.AdminConfig;
import dev.portway.server.config.AuthConfig;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.config.HttpsCertificateConfig;
import dev.portway.server.config.LimitsConfig;
import dev.portway.server.config.ProxyProtocolConfig;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.config.UdpConfig;
import dev.portway.server.reload.ConfigDiff.Change;
import dev.portway.server.reload.ConfigDiff.Effect;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigDiffTest {
    private static final ServerConfig BASE = ServerConfig.defaults()
            .withAuth(new AuthConfig(List.of(AuthConfig.StaticToken.plain("first-token-0123456789"))));

    @Test
    void theSameConfigHasNoChanges() {
        assertThat(ConfigDiff.between(BASE, BASE.withHttp(HttpConfig.DEFAULTS))).isEmpty();
    }

    @Test
    void liveFieldsAreNamedByTheirServerYamlPath() {
        ServerConfig next = BASE
                .withAuth(new AuthConfig(List.of(AuthConfig.StaticToken.plain("second-token-0123456789"))))
                .withProxyProtocol(new ProxyProtocolConfig(List.of("10.0.0.0/8")))
                .withHttp(HttpConfig.DEFAULTS.withLimits(4096, Duration.ofSeconds(5), HttpConfig.DEFAULT_IDLE_TIMEOUT,
                                HttpConfig.DEFAULT_RESPONSE_TIMEOUT)
                        .withHttps(0, List.of(new HttpsCertificateConfig(List.of("example.org"), Path.of("c.pem"),
                                Path.of("k.pem")))));

        assertThat(ConfigDiff.between(BASE, next)).containsExactly(
                new Change("auth.tokens", Effect.LIVE),
                new Change("http.maxHeaderSize", Effect.LIVE),
                new Change("http.requestHeaderTimeout", Effect.LIVE),
                new Change("https.certificates", Effect.LIVE),
                new Change("proxyProtocol.trustedCidrs", Effect.LIVE));
    }

    @Test
    void listenersAndStorageNeedARestart() {
        ServerConfig next = BASE.withAdmin(new AdminConfig(true, "0.0.0.0", 7501))
                .withHttp(new HttpConfig("tunnels.example.org", 8080, 8443))
                .withDataDir(Path.of("elsewhere"));

        assertThat(ConfigDiff.between(BASE, next)).containsExactly(
                new Change("dataDir", Effect.RESTART),
                new Change("admin.bind", Effect.RESTART),
                new Change("admin.port", Effect.RESTART),
                new Change("domain", Effect.RESTART),
                new Change("http.port", Effect.RESTART),
                new Change("https.port", Effect.RESTART));
    }

    @Test
    void aValueThatIsNoRecordIsOneField() {
        assertThat(ConfigDiff.between(BASE, withAllowPorts(BASE, PortRanges.of(2000, 2100))))
                .containsExactly(new Change("allowPorts", Effect.LIVE));
    }

    @Test
    void limitsAndAccessRulesAreLiveAndUdpSettingsAreNot() {
        ServerConfig next = BASE.withLimits(new LimitsConfig(10, 10, 10, 10, 10, 10))
                .withAccess(new AccessConfig(List.of("192.0.2.0/24"), List.of()))
                .withUdp(new UdpConfig(Duration.ofSeconds(5), 1200));

        assertThat(ConfigDiff.between(BASE, next)).containsExactly(
                new Change("udp.idleTimeout", Effect.RESTART),
                new Change("udp.maxDatagram", Effect.RESTART),
                new Change("limits.connectionsPerSource", Effect.LIVE),
                new Change("limits.handshakesPerSource", Effect.LIVE),
                new Change("limits.sessionsPerUser", Effect.LIVE),
                new Change("limits.tunnelsPerUser", Effect.LIVE),
                new Change("limits.streamsPerUser", Effect.LIVE),
                new Change("limits.udpFlowsPerUser", Effect.LIVE),
                new Change("access.deny", Effect.LIVE));
    }

    private static ServerConfig withAllowPorts(ServerConfig config, PortRanges ports) {
        return new ServerConfig(config.bind(), config.controlPort(), ports, config.dataDir(), config.tls(),
                config.auth(), config.handshakeTimeout(), config.keepAliveInterval(), config.keepAliveMissed(),
                config.shutdownGrace(), config.publicHost(), config.admin(), config.database(), config.http(),
                config.udp(), config.proxyProtocol(), config.alerts(), config.limits(), config.domainProof(),
                config.access(), config.quotas(), config.accessLog(), config.cluster());
    }
}
