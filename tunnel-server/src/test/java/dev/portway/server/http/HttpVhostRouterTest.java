package dev.portway.server.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HttpVhostRouterTest {
    private final HttpVhostRouter router = new HttpVhostRouter();
    private final RouteTarget app = () -> null;
    private final RouteTarget api = () -> null;
    private final RouteTarget wild = () -> null;

    @Test
    void exactHostsIgnoreCasePortAndTrailingDot() {
        assertThat(router.add(List.of(new HttpRoute("app.example.com", "/")), app)).isNull();
        assertThat(router.route("APP.example.com:8080", "/x")).isSameAs(app);
        assertThat(router.route("app.example.com.", "/")).isSameAs(app);
        assertThat(router.route("other.example.com", "/")).isNull();
        assertThat(router.route(null, "/")).isNull();
    }

    @Test
    void theLongestLocationWins() {
        router.add(List.of(new HttpRoute("app.example.com", "/")), app);
        router.add(List.of(new HttpRoute("app.example.com", "/api"), new HttpRoute("app.example.com", "/api/v2")), api);
        assertThat(router.route("app.example.com", "/api/v1/users")).isSameAs(api);
        assertThat(router.route("app.example.com", "/api/v2/x")).isSameAs(api);
        assertThat(router.route("app.example.com", "/index.html")).isSameAs(app);
    }

    @Test
    void aHostWithOnlyLocationsDoesNotServeOtherPaths() {
        router.add(List.of(new HttpRoute("app.example.com", "/api")), api);
        assertThat(router.route("app.example.com", "/other")).isNull();
        assertThat(router.routeHost("app.example.com")).isSameAs(api);
    }

    @Test
    void aWildcardMatchesExactlyOneLabelAndExactHostsComeFirst() {
        router.add(List.of(new HttpRoute("*.example.org", "/")), wild);
        router.add(List.of(new HttpRoute("www.example.org", "/")), app);
        assertThat(router.route("a.example.org", "/")).isSameAs(wild);
        assertThat(router.route("www.example.org", "/")).isSameAs(app);
        assertThat(router.route("a.b.example.org", "/")).isNull();
        assertThat(router.route("example.org", "/")).isNull();
        assertThat(router.routeHost("x.example.org")).isSameAs(wild);
    }

    @Test
    void aRouteHeldByAnotherTargetRefusesAllOfTheNewRoutes() {
        router.add(List.of(new HttpRoute("app.example.com", "/")), app);
        String refusal = router.add(List.of(new HttpRoute("free.example.com", "/"),
                new HttpRoute("app.example.com", "/")), api);
        assertThat(refusal).contains("app.example.com/").contains("already used");
        assertThat(router.route("free.example.com", "/")).isNull();
    }

    @Test
    void removingFreesOnlyTheTargetsOwnRoutes() {
        List<HttpRoute> routes = List.of(new HttpRoute("app.example.com", "/"));
        router.add(routes, app);
        router.remove(routes, api);
        assertThat(router.route("app.example.com", "/")).isSameAs(app);
        router.remove(routes, app);
        assertThat(router.route("app.example.com", "/")).isNull();
        assertThat(router.add(routes, api)).isNull();
    }
}
