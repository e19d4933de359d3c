package dev.portway.server.http;

import dev.portway.server.plans.UserAccounts;
import dev.portway.server.config.LimitsConfig;
import dev.portway.monitor.TunnelMetrics;
import dev.portway.protocol.control.ControlMessage;
import dev.portway.protocol.control.GroupOptions;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.frame.FrameDecoder;
import dev.portway.protocol.frame.FrameEncoder;
import dev.portway.protocol.mux.Role;
import dev.portway.protocol.mux.SessionListener;
import dev.portway.protocol.mux.SessionSettings;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
import dev.portway.server.access.PeerFilters;
import dev.portway.server.auth.Principal;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.limits.UserCeiling;
import dev.portway.server.proxyprotocol.ProxyProtocolInbound;
import dev.portway.server.proxyprotocol.TrustedProxies;
import dev.portway.server.tcp.StreamBridge;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.server.tunnel.TunnelRefusedException;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class HttpGroupsTest {
    private static final Principal ALICE = new Principal("alice", 1, 1);
    private static final Principal BOB = new Principal("bob", 2, 2);
    private static final HttpRoute WEB = new HttpRoute("web.tunnel.test", "/");

    private final HttpVhostRouter router = new HttpVhostRouter();
    private final HttpTunnelBinder binder = new HttpTunnelBinder(new HttpConfig("tunnel.test", 80, 0), router,
            TunnelMetrics.NOOP, new StreamBridge(TunnelMetrics.NOOP,
                    new ProxyProtocolInbound(TrustedProxies.of(List.of()), ProxyProtocolInbound.Refusal.CLOSE),
                    new UserCeiling("limits.streamsPerUser", "streams", 16), PeerFilters.NONE),
            new ServedLoopGroup(null), null, UserAccounts.serverLimitsOnly(LimitsConfig.DEFAULTS), host -> false,
            host -> { });
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeChannels() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Test
    void membersShareTheRoutesWhichGoWithTheLastMember() {
        HttpTunnel a = open("a", web(), group("secret", null), ALICE, session());
        HttpTunnel b = open("b", web(), group("secret", "round-robin"), ALICE, session());

        RouteTarget target = router.route("web.tunnel.test", "/");
        assertThat(target).isInstanceOf(HttpGroup.class);
        assertThat(List.of(target.pick(), target.pick(), target.pick(), target.pick())).containsExactly(a, b, a, b);

        a.close();
        assertThat(router.route("web.tunnel.test", "/")).isSameAs(target);
        assertThat(target.pick()).isSameAs(b);
        b.close();
        assertThat(router.holder(WEB)).isNull();
    }

    @Test
    void offlineMembersAreSkippedAndAConnectionKeepsItsOnlineMember() {
        TunnelSession gone = session();
        HttpTunnel a = open("a", web(), group("secret", null), ALICE, gone);
        HttpTunnel b = open("b", web(), group("secret", null), ALICE, session());
        RouteTarget target = router.route("web.tunnel.test", "/");

        assertThat(target.pick(b)).isSameAs(b);
        assertThat(target.pick(b)).isSameAs(b);
        assertThat(target.pickInstead(List.of(b))).isSameAs(a);

        gone.channel().close();
        assertThat(List.of(target.pick(), target.pick(), target.pick(a))).containsOnly(b);
        assertThat(target.pickInstead(List.of(b))).isNull();
    }

    @Test
    void aMemberThatDoesNotMatchTheGroupIsRefusedWithTheReason() {
        open("a", web(), group("secret", null), ALICE, session());
        HttpOptions withAuth = new HttpOptions("web", null, null, null, null, null,
                new HttpOptions.BasicAuth("u", "p"), null);

        assertThat(refusal("x", web(), group("secret", null), BOB)).isEqualTo("group web belongs to another user");
        assertThat(refusal("x", web(), group("wrong", null), ALICE)).isEqualTo("group web: wrong groupKey");
        assertThat(refusal("x", web(), group("secret", "least-connections"), ALICE))
                .isEqualTo("group web balances round-robin, not least-connections");
        assertThat(refusal("x", new HttpOptions("web", null, List.of("/api"), null, null, null, null, null),
                group("secret", null), ALICE))
                .isEqualTo("group web serves [web.tunnel.test/], not [web.tunnel.test/api]");
        assertThat(refusal("x", withAuth, group("secret", null), ALICE))
                .isEqualTo("group web: basicAuth and https must be the same for every member");
        assertThat(refusal("x", web(), new GroupOptions("web", "", null), ALICE))
                .isEqualTo("group web: groupKey is required");
        assertThat(refusal("x", web(), null, ALICE))
                .isEqualTo("http route web.tunnel.test/ is already used by another tunnel");
    }

    @Test
    void aGroupCannotTakeRoutesHeldByALoneTunnel() {
        open("lone", web(), null, ALICE, session());

        assertThat(refusal("a", web(), group("secret", null), ALICE))
                .isEqualTo("http route web.tunnel.test/ is already used by another tunnel");
    }

    @Test
    void aMemberStaysOnlyWhileItsSpecStillNamesTheGroup() {
        HttpTunnel a = open("a", web(), group("secret", null), ALICE, session());

        assertThat(a.satisfies(spec("a", web(), group("secret", null)))).isTrue();
        assertThat(a.satisfies(spec("a", web(), group("other", null)))).isFalse();
        assertThat(a.satisfies(spec("a", web(), null))).isFalse();
    }

    // ---- helpers ----

    private static HttpOptions web() {
        return new HttpOptions("web", null, null, null, null, null, null, null);
    }

    private static GroupOptions group(String key, String loadBalance) {
        return new GroupOptions("web", key, loadBalance);
    }

    private static TunnelSpec spec(String name, HttpOptions options, GroupOptions group) {
        return new TunnelSpec(name, TunnelType.HTTP, 0, null, options, group);
    }

    private HttpTunnel open(String name, HttpOptions options, GroupOptions group, Principal principal,
                            TunnelSession owner) {
        PublicTunnel tunnel = binder.open(spec(name, options, group), owner, principal).toCompletableFuture().join();
        return (HttpTunnel) tunnel;
    }

    private String refusal(String name, HttpOptions options, GroupOptions group, Principal principal) {
        try {
            open(name, options, group, principal, session());
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(TunnelRefusedException.class);
            return e.getCause().getMessage();
        }
        throw new AssertionError(name + " was not refused");
    }

    /** A session on an active channel of its own; closing the channel puts it offline. */
    private TunnelSession session() {
        SessionSettings settings = SessionSettings.defaults("test");
        TunnelSession session = new TunnelSession(Role.SERVER, settings, new SessionListener() {
            @Override
            public void onControl(TunnelSession s, ControlMessage message) {
            }

            @Override
            public StreamHandler onStreamOpened(TunnelSession s, TunnelStream stream) {
                return null;
            }
        });
        channels.add(new EmbeddedChannel(new FrameDecoder(settings.maxFramePayload()), new FrameEncoder(), session));
        return session;
    }
}
