package dev.portway.server.http;

import dev.portway.server.plans.UserAccounts;
import dev.portway.server.config.LimitsConfig;
import dev.portway.monitor.TunnelMetrics;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.tunnel.TunnelRefusedException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpTunnelBinderTest {
    private final HttpTunnelBinder withDomain = new HttpTunnelBinder(new HttpConfig("tunnel.test", 80, 0),
            new HttpVhostRouter(), TunnelMetrics.NOOP, null, new ServedLoopGroup(null), null,
            UserAccounts.serverLimitsOnly(LimitsConfig.DEFAULTS), host -> false, host -> { });

    private static HttpOptions options(String subdomain, List<String> domains, List<String> locations) {
        return new HttpOptions(subdomain, domains, locations, null, null, null, null, null);
    }

    @Test
    void everyHostIsServedAtEveryLocation() throws Exception {
        assertThat(withDomain.routes(options("App", List.of("*.Example.org"), List.of("/api", "/static"))))
                .containsExactly(new HttpRoute("app.tunnel.test", "/api"), new HttpRoute("app.tunnel.test", "/static"),
                        new HttpRoute("*.example.org", "/api"), new HttpRoute("*.example.org", "/static"));
        assertThat(withDomain.routes(options("app", null, null))).containsExactly(new HttpRoute("app.tunnel.test", "/"));
    }

    @Test
    void badNamesAndPathsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> withDomain.routes(options("a.b", null, null)))
                .isInstanceOf(TunnelRefusedException.class).hasMessageContaining("one DNS label");
        assertThatThrownBy(() -> withDomain.routes(options(null, List.of("*.*.example.org"), null)))
                .hasMessageContaining("customDomains");
        assertThatThrownBy(() -> withDomain.routes(options(null, List.of("localhost"), null)))
                .hasMessageContaining("customDomains");
        assertThatThrownBy(() -> withDomain.routes(options("app", null, List.of("api"))))
                .hasMessageContaining("locations");
        assertThatThrownBy(() -> withDomain.routes(options(null, null, null)))
                .hasMessageContaining("subdomain or customDomains");
        HttpTunnelBinder noDomain = new HttpTunnelBinder(new HttpConfig(null, 80, 0), new HttpVhostRouter(),
                TunnelMetrics.NOOP, null, new ServedLoopGroup(null), null,
            UserAccounts.serverLimitsOnly(LimitsConfig.DEFAULTS), host -> false, host -> { });
        assertThatThrownBy(() -> noDomain.routes(options("app", null, null)))
                .hasMessageContaining("needs a server domain");
    }

    @Test
    void aCustomWildcardOverTheServersOwnDomainIsRefused() throws Exception {
        assertThatThrownBy(() -> withDomain.routes(options(null, List.of("*.Tunnel.Test"), null)))
                .hasMessageContaining("*.tunnel.test").hasMessageContaining("subdomain");
        assertThat(withDomain.routes(options(null, List.of("*.sub.tunnel.test"), null)))
                .containsExactly(new HttpRoute("*.sub.tunnel.test", "/"));
    }

    @Test
    void headerRulesThatBreakHeadsOrFramingAreRefusedWithTheReason() throws Exception {
        HttpOptions.HeaderRules splitting = new HttpOptions.HeaderRules(Map.of("X-A", "a\r\nContent-Length: 0"), null);
        assertThatThrownBy(() -> HttpTunnelBinder.checkHeaderRules(
                new HttpOptions("app", null, null, null, null, splitting, null, null)))
                .isInstanceOf(TunnelRefusedException.class)
                .hasMessage("responseHeaders.set.X-A: expected a value without control characters (CR, LF, NUL, ...), "
                        + "got \"a\\r\\nContent-Length: 0\"");
        HttpOptions.HeaderRules framing = new HttpOptions.HeaderRules(null, List.of("Transfer-Encoding"));
        assertThatThrownBy(() -> HttpTunnelBinder.checkHeaderRules(
                new HttpOptions("app", null, null, null, framing, null, null, null)))
                .isInstanceOf(TunnelRefusedException.class)
                .hasMessageStartingWith("requestHeaders.remove[0]: expected a header other than the framing");
        assertThatThrownBy(() -> HttpTunnelBinder.checkHeaderRules(
                new HttpOptions("app", null, null, "local\nX: 1", null, null, null, null)))
                .isInstanceOf(TunnelRefusedException.class).hasMessageStartingWith("hostHeaderRewrite: expected");
        HttpTunnelBinder.checkHeaderRules(new HttpOptions("app", null, null, "localhost:8080",
                new HttpOptions.HeaderRules(Map.of("X-From", "portway"), List.of("Cookie")),
                new HttpOptions.HeaderRules(null, List.of("Server")), null, null));
    }
}
