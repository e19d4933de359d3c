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
    void anotherUserCannotAddLocationsOnAHostItDoesNotOwn() {
        router.add(List.of(new HttpRoute("alice.example.com", "/")), app, "alice");
        String refusal = router.add(List.of(new HttpRoute("alice.example.com", "/login"),
                new HttpRoute("alice.example.com", "/api")), api, "mallory");
        assertThat(refusal).isEqualTo("host alice.example.com belongs to another user");
        assertThat(router.route("alice.example.com", "/login")).isSameAs(app);
        assertThat(router.add(List.of(new HttpRoute("alice.example.com", "/api")), api, "alice")).isNull();
    }

    @Test
    void aHostUnderAnotherUsersWildcardAndAWildcardOverAnotherUsersHostAreRefused() {
        router.add(List.of(new HttpRoute("*.alice.org", "/")), wild, "alice");
        assertThat(router.add(List.of(new HttpRoute("www.alice.org", "/")), api, "mallory"))
                .isEqualTo("host www.alice.org is under *.alice.org, which belongs to another user");
        assertThat(router.add(List.of(new HttpRoute("www.alice.org", "/")), app, "alice")).isNull();

        router.add(List.of(new HttpRoute("shop.bob.net", "/")), app, "bob");
        assertThat(router.add(List.of(new HttpRoute("*.bob.net", "/")), wild, "mallory"))
                .isEqualTo("*.bob.net would cover shop.bob.net, which belongs to another user");
    }

    @Test
    void exactHostsIgnoreCasePortAndTrailingDot() {
        assertThat(router.add(List.of(new HttpRoute("app.example.com", "/")), app, "alice")).isNull();
        assertThat(router.route("APP.example.com:8080", "/x")).isSameAs(app);
        assertThat(router.route("app.example.com.", "/")).isSameAs(app);
        assertThat(router.route("other.example.com", "/")).isNull();
        assertThat(router.route(null, "/")).isNull();
    }

    @Test
    void theLongestLocationWins() {
        router.add(List.of(new HttpRoute("app.example.com", "/")), app, "alice");
        router.add(List.of(new HttpRoute("app.example.com", "/api"), new HttpRoute("app.example.com", "/api/v2")), api, "alice");
        assertThat(router.route("app.example.com", "/api/v1/users")).isSameAs(api);
        assertThat(router.route("app.example.com", "/api/v2/x")).isSameAs(api);
        assertThat(router.route("app.example.com", "/index.html")).isSameAs(app);
    }

    @Test
    void aHostWithOnlyLocationsDoesNotServeOtherPaths() {
        router.add(List.of(new HttpRoute("app.example.com", "/api")), api, "alice");
        assertThat(router.route("app.example.com", "/other")).isNull();
        assertThat(router.routeHost("app.example.com")).isSameAs(api);
    }

    @Test
    void aWildcardMatchesExactlyOneLabelAndExactHostsComeFirst() {
        router.add(List.of(new HttpRoute("*.example.org", "/")), wild, "alice");
        router.add(List.of(new HttpRoute("www.example.org", "/")), app, "alice");
        assertThat(router.route("a.example.org", "/")).isSameAs(wild);
        assertThat(router.route("www.example.org", "/")).isSameAs(app);
        assertThat(router.route("a.b.example.org", "/")).isNull();
        assertThat(router.route("example.org", "/")).isNull();
        assertThat(router.routeHost("x.example.org")).isSameAs(wild);
    }

    @Test
    void aRouteHeldByAnotherTargetRefusesAllOfTheNewRoutes() {
        router.add(List.of(new HttpRoute("app.example.com", "/")), app, "alice");
        String refusal = router.add(List.of(new HttpRoute("free.example.com", "/"),
                new HttpRoute("app.example.com", "/")), api, "alice");
        assertThat(refusal).contains("app.example.com/").contains("already used");
        assertThat(router.route("free.example.com", "/")).isNull();
    }

    @Test
    void removingFreesOnlyTheTargetsOwnRoutes() {
        List<HttpRoute> routes = List.of(new HttpRoute("app.example.com", "/"));
        router.add(routes, app, "alice");
        router.remove(routes, api);
        assertThat(router.route("app.example.com", "/")).isSameAs(app);
        router.remove(routes, app);
        assertThat(router.route("app.example.com", "/")).isNull();
        assertThat(router.add(routes, api, "bob")).as("the host is free again").isNull();
    }
}
