package dev.portway.admin.tunnels;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.admin.PushResult;
import dev.portway.admin.testing.AdminApiFixture;
import dev.portway.admin.testing.AdminApiFixture.Account;
import dev.portway.admin.testing.AdminApiFixture.Reply;
import dev.portway.storage.traffic.TrafficBatch;
import dev.portway.storage.traffic.TrafficDelta;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.portway.admin.testing.Problems.assertProblem;
import static dev.portway.storage.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/** Tunnel routes, their validation and conflicts, pushes, and the traffic series. */
@Timeout(60)
class TunnelRoutesTest {
    private static final Instant NOW = Instant.parse("2025-03-10T14:25:00Z");
    private static final AtomicInteger PORTS = new AtomicInteger(30000);

    @TempDir
    static Path dataDir;
    static AdminApiFixture api;

    @BeforeAll
    static void start() {
        api = new AdminApiFixture(dataDir, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static String tcp(String name, int port) {
        return "{\"name\": \"" + name + "\", \"type\": \"tcp\", \"remotePort\": " + port
                + ", \"localTarget\": \"127.0.0.1:22\"}";
    }

    @Test
    void createPushesToTheOwnersClientAndSaysSo() {
        Account jo = api.account("jo");
        api.live.pushAnswer = PushResult.pushed();
        int port = PORTS.incrementAndGet();

        Reply created = api.call("POST", "/api/v1/tunnels", jo.key(), tcp("ssh", port));

        assertThat(created.status()).isEqualTo(201);
        JsonNode tunnel = created.json().path("tunnel");
        assertThat(tunnel.path("ownerId").asLong()).isEqualTo(jo.user().id());
        assertThat(tunnel.path("name").asText()).isEqualTo("ssh");
        assertThat(tunnel.path("remotePort").asInt()).isEqualTo(port);
        assertThat(tunnel.path("enabled").asBoolean()).isTrue();
        assertThat(created.header("Location")).isEqualTo("/api/v1/tunnels/" + tunnel.path("id").asLong());
        assertThat(created.json().path("push").path("status").asText()).isEqualTo("pushed");
        assertThat(api.live.pushed).anyMatch(t -> t.id() == tunnel.path("id").asLong() && t.ownerId() == jo.user().id());
    }

    @Test
    void createWithoutAConnectedClientIsStoredAndReportedPending() {
        api.live.pushAnswer = PushResult.pending("no client of this user is connected");
        try {
            Reply created = api.call("POST", "/api/v1/tunnels", api.adminKey, tcp("pending", PORTS.incrementAndGet()));
            assertThat(created.status()).isEqualTo(201);
            assertThat(created.json().path("push").path("status").asText()).isEqualTo("pending");
            assertThat(created.json().path("push").path("reason").asText()).contains("no client");

            api.live.pushAnswer = null;
            Reply failed = api.call("POST", "/api/v1/tunnels", api.adminKey, tcp("failed", PORTS.incrementAndGet()));
            assertThat(failed.status()).isEqualTo(201);
            assertThat(failed.json().path("push").path("status").asText()).isEqualTo("pending");
        } finally {
            api.live.pushAnswer = PushResult.pushed();
        }
    }

    @Test
    void getListPatchAndDelete() {
        Account kim = api.account("kim");
        long id = api.call("POST", "/api/v1/tunnels", kim.key(), tcp("web", PORTS.incrementAndGet()))
                .json().path("tunnel").path("id").asLong();

        assertThat(api.get("/api/v1/tunnels/" + id, kim.key()).json().path("name").asText()).isEqualTo("web");
        assertThat(api.get("/api/v1/tunnels", kim.key()).json().findValuesAsText("name")).containsExactly("web");
        assertThat(api.get("/api/v1/tunnels", api.adminKey).json().findValuesAsText("name")).contains("web");

        int newPort = PORTS.incrementAndGet();
        Reply patched = api.call("PATCH", "/api/v1/tunnels/" + id, kim.key(),
                "{\"remotePort\": " + newPort + ", \"enabled\": false}");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().path("remotePort").asInt()).isEqualTo(newPort);
        assertThat(patched.json().path("enabled").asBoolean()).isFalse();
        assertThat(patched.json().path("name").asText()).isEqualTo("web");
        // A new port and disabling take the running tunnel back; a disabled tunnel is not pushed again.
        assertThat(api.live.removed).anyMatch(t -> t.id() == id && t.remotePort() != newPort);
        assertThat(api.live.pushed).noneMatch(t -> t.id() == id && t.remotePort() == newPort);

        api.live.removed.clear();
        assertThat(api.call("DELETE", "/api/v1/tunnels/" + id, kim.key(), null).status()).isEqualTo(204);
        assertThat(api.live.removed).singleElement().matches(t -> t.id() == id);
        assertProblem(api.get("/api/v1/tunnels/" + id, kim.key()), 404);
        assertProblem(api.call("PATCH", "/api/v1/tunnels/" + id, kim.key(), "{\"enabled\": true}"), 404);
        assertProblem(api.call("DELETE", "/api/v1/tunnels/" + id, kim.key(), null), 404);

        assertThat(api.call("GET", "/api/v1/audit", Map.of("limit", "3"), api.adminKey, null).json()
                .findValuesAsText("action")).containsExactly("tunnel.delete", "tunnel.update", "tunnel.create");
    }

    @Test
    void takenNamePortOrDomainIs409NamingTheField() {
        int port = PORTS.incrementAndGet();
        api.call("POST", "/api/v1/tunnels", api.adminKey, tcp("taken", port));
        api.call("POST", "/api/v1/tunnels", api.adminKey, "{\"name\": \"taken-web\", \"type\": \"http\","
                + " \"localTarget\": \"127.0.0.1:80\", \"subdomain\": \"taken\","
                + " \"customDomains\": [\"taken.example.com\"]}");

        assertProblem(api.call("POST", "/api/v1/tunnels", api.adminKey, tcp("taken", PORTS.incrementAndGet())),
                409, "name");
        assertProblem(api.call("POST", "/api/v1/tunnels", api.adminKey, tcp("other-port", port)), 409, "remotePort");
        assertProblem(api.call("POST", "/api/v1/tunnels", api.adminKey,
                "{\"name\": \"other-domain\", \"type\": \"http\", \"localTarget\": \"127.0.0.1:80\","
                        + " \"customDomains\": [\"TAKEN.example.com\"]}"), 409, "customDomains");
        assertProblem(api.call("POST", "/api/v1/tunnels", api.adminKey,
                "{\"name\": \"other-sub\", \"type\": \"http\", \"localTarget\": \"127.0.0.1:80\","
                        + " \"subdomain\": \"taken\"}"), 409, "subdomain");
    }

    @Test
    void everyTypeHasItsOwnFieldsAndAnHttpTunnelKeepsItsLocations() {
        Reply web = create("{\"name\": \"site\", \"type\": \"http\", \"localTarget\": \"127.0.0.1:80\","
                + " \"subdomain\": \"Site\", \"locations\": [\"/api\", \"/\"]}");
        assertThat(web.status()).isEqualTo(201);
        assertThat(web.json().path("tunnel").path("subdomain").asText()).isEqualTo("site");
        assertThat(web.json().path("tunnel").path("locations")).extracting(n -> n.asText())
                .containsExactly("/api", "/");
        assertThat(web.json().path("tunnel").path("remotePort").isNull()).isTrue();
        Reply udp = create("{\"name\": \"dns\", \"type\": \"udp\", \"localTarget\": \"127.0.0.1:53\","
                + " \"remotePort\": " + PORTS.incrementAndGet() + "}");
        assertThat(udp.status()).isEqualTo(201);

        Reply guarded = create("{\"name\": \"guarded\", \"type\": \"http\", \"localTarget\": \"127.0.0.1:80\","
                + " \"subdomain\": \"guarded\", \"ipAllow\": [\"10.0.0.0/8\"], \"ipDeny\": [\"10.9.0.0/16\"],"
                + " \"rateLimit\": \"600/m\", \"maxConnections\": 3, \"bandwidthLimit\": \"1MB\"}");
        assertThat(guarded.json().path("tunnel").path("ipAllow").get(0).asText()).isEqualTo("10.0.0.0/8");
        assertThat(guarded.json().path("tunnel").path("maxConnections").asInt()).isEqualTo(3);
        assertThat(guarded.json().path("tunnel").path("bandwidthLimit").asText()).isEqualTo("1MB");
        assertThat(guarded.json().path("tunnel").path("rateLimit").asText()).isEqualTo("600/m");
        long guardedId = guarded.json().path("tunnel").path("id").asLong();
        Reply patched = api.call("PATCH", "/api/v1/tunnels/" + guardedId, api.adminKey, "{\"ipDeny\": []}");
        assertThat(patched.json().path("ipDeny")).isEmpty();
        assertThat(patched.json().path("ipAllow")).as("fields not named are kept").hasSize(1);
        assertThat(api.live.pushed).anyMatch(t -> t.id() == guardedId && t.optionsJson().contains("10.0.0.0/8"));

        String http = "\"type\": \"http\", \"localTarget\": \"127.0.0.1:80\"";
        assertProblem(create("{\"name\": \"h4\", \"subdomain\": \"h4\", \"ipDeny\": [\"example.com\"], " + http + "}"),
                422, "ipDeny[0]");
        assertProblem(create("{\"name\": \"h5\", \"subdomain\": \"h5\", \"rateLimit\": \"lots\", " + http + "}"),
                422, "rateLimit");
        assertProblem(create("{\"name\": \"t2\", \"type\": \"tcp\", \"localTarget\": \"127.0.0.1:53\", "
                + "\"remotePort\": 2001, \"rateLimit\": \"1/s\"}"), 422, "rateLimit");
        assertProblem(create("{\"name\": \"h6\", \"subdomain\": \"h6\", \"maxConnections\": 0, " + http + "}"),
                422, "maxConnections");
        assertProblem(create("{\"name\": \"h7\", \"subdomain\": \"h7\", \"bandwidthLimit\": \"fast\", " + http
                + "}"), 422, "bandwidthLimit");
        assertProblem(create("{\"name\": \"h1\", " + http + "}"), 422, "subdomain");
        assertProblem(create("{\"name\": \"h2\", \"subdomain\": \"h2\", \"remotePort\": 2000, " + http + "}"),
                422, "remotePort");
        assertProblem(create("{\"name\": \"h3\", \"subdomain\": \"h3\", \"locations\": [\"api\"], " + http + "}"),
                422, "locations[0]");
        assertProblem(create("{\"name\": \"u1\", \"type\": \"udp\", \"localTarget\": \"127.0.0.1:53\"}"),
                422, "remotePort");
        assertProblem(create("{\"name\": \"t1\", \"type\": \"tcp\", \"localTarget\": \"127.0.0.1:53\", "
                + "\"remotePort\": 2000, \"locations\": [\"/\"]}"), 422, "locations");
    }

    @Test
    void invalidFieldsAre422NamingTheField() {
        String base = "\"type\": \"tcp\", \"localTarget\": \"127.0.0.1:22\"";
        assertProblem(create("{\"name\": \"bad name\", \"remotePort\": 2000, " + base + "}"), 422, "name");
        assertProblem(create("{\"remotePort\": 2000, " + base + "}"), 422, "name");
        assertProblem(create("{\"name\": \"p\", \"remotePort\": 70000, " + base + "}"), 422, "remotePort");
        assertProblem(create("{\"name\": \"p\", \"remotePort\": 0, " + base + "}"), 422, "remotePort");
        assertProblem(create("{\"name\": \"p\", " + base + "}"), 422, "remotePort");
        assertProblem(create("{\"name\": \"p\", \"remotePort\": \"2000\", " + base + "}"), 422, "remotePort");
        assertProblem(create("{\"name\": \"p\", \"remotePort\": 20.5, " + base + "}"), 422, "remotePort");
        assertProblem(create("{\"name\": \"p\", \"remotePort\": 2000, \"type\": \"ftp\","
                + " \"localTarget\": \"127.0.0.1:22\"}"), 422, "type");
        assertProblem(create("{\"name\": \"p\", \"remotePort\": 2000, \"type\": \"tcp\","
                + " \"localTarget\": \"localhost\"}"), 422, "localTarget");
        String web = "\"type\": \"http\", \"localTarget\": \"127.0.0.1:80\"";
        assertProblem(create("{\"name\": \"p\", \"subdomain\": \"a.b\", " + web + "}"), 422, "subdomain");
        assertProblem(create("{\"name\": \"p\", \"customDomains\": [\"ok.example.com\", \"not a host\"], "
                + web + "}"), 422, "customDomains[1]");
        assertProblem(create("{\"name\": \"p\", \"remotePort\": 2000, \"enabled\": \"yes\", " + base + "}"),
                422, "enabled");
        assertProblem(create("{\"name\": \"p\", \"remotePort\": 2000, \"remote_port\": 2000, " + base + "}"),
                422, "remote_port");
        assertProblem(create("{\"name\": \"p\", \"remotePort\": 2000, \"ownerId\": 999999, " + base + "}"),
                422, "ownerId");
    }

    private static Reply create(String body) {
        return api.call("POST", "/api/v1/tunnels", api.adminKey, body);
    }

    @Test
    void trafficIsAnHourlySeriesWithEmptyHoursAsZeros() {
        Account lee = api.account("lee");
        long id = api.call("POST", "/api/v1/tunnels", lee.key(), tcp("db", PORTS.incrementAndGet()))
                .json().path("tunnel").path("id").asLong();
        Instant thisHour = Instant.parse("2025-03-10T14:00:00Z");
        Instant twoHoursAgo = Instant.parse("2025-03-10T12:00:00Z");
        result(api.storage.traffic().apply(new TrafficBatch(UUID.randomUUID(), List.of(
                new TrafficDelta(id, lee.user().id(), thisHour, 100, 200, 3),
                new TrafficDelta(id, lee.user().id(), twoHoursAgo, 10, 20, 1),
                new TrafficDelta(id, lee.user().id(), Instant.parse("2025-03-09T10:00:00Z"), 5, 5, 1)))));

        Reply reply = api.call("GET", "/api/v1/tunnels/" + id + "/traffic", Map.of("hours", "3"), lee.key(), null);

        assertThat(reply.status()).isEqualTo(200);
        JsonNode series = reply.json();
        assertThat(series.path("from").asText()).isEqualTo("2025-03-10T12:00:00Z");
        assertThat(series.path("to").asText()).isEqualTo("2025-03-10T15:00:00Z");
        assertThat(series.path("hours").findValuesAsText("hour"))
                .containsExactly("2025-03-10T12:00:00Z", "2025-03-10T13:00:00Z", "2025-03-10T14:00:00Z");
        assertThat(series.path("hours").findValuesAsText("bytesIn")).containsExactly("10", "0", "100");
        assertThat(series.path("bytesOut").asLong()).isEqualTo(220);
        assertThat(series.path("connections").asLong()).isEqualTo(4);

        JsonNode day = api.get("/api/v1/tunnels/" + id + "/traffic", lee.key()).json();
        assertThat(day.path("hours")).hasSize(24);
        assertThat(day.path("bytesIn").asLong()).isEqualTo(110);

        assertProblem(api.call("GET", "/api/v1/tunnels/" + id + "/traffic", Map.of("hours", "0"), lee.key(), null),
                422, "hours");
        assertProblem(api.call("GET", "/api/v1/tunnels/" + id + "/traffic", Map.of("hours", "x"), lee.key(), null),
                422, "hours");
        assertProblem(api.get("/api/v1/tunnels/999999/traffic", lee.key()), 404);
    }
}
