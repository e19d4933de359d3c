package dev.portway.server.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portway.server.TunnelServer;
import dev.portway.server.config.DatabaseSettings;
import dev.portway.server.testkit.AdminHttp;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tunnel-server admin} against a real server with its embedded PostgreSQL: a user, a token and a tunnel made,
 * listed and removed again through the command, a client logged in with the token it issued and then kicked.
 */
class AdminCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private TunnelFixture fixture;
    private TunnelServer server;
    private Map<String, String> env;

    @BeforeEach
    void startServer() throws Exception {
        fixture = new TunnelFixture();
        server = fixture.startServer(fixture.serverConfig(0, Duration.ofMillis(500), 6)
                .withDatabase(DatabaseSettings.EMBEDDED));
        String key = AdminHttp.initialCredential(server.initialCredentials().orElseThrow().file(), "admin_api_key");
        env = Map.of(AdminCommand.URL_VARIABLE, "http://127.0.0.1:" + server.adminAddress().getPort(),
                AdminCommand.KEY_VARIABLE, key);
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aUserATokenAndATunnelRoundTrip() throws Exception {
        long userId = json(admin("users", "create", "dave", "--json")).path("user").path("id").asLong();
        Run users = admin("users", "list");
        assertThat(users.out().lines().findFirst().orElseThrow()).startsWith("ID").contains("NAME", "STATUS");
        assertThat(users.out()).containsPattern("(?m)^" + userId + " +dave +active ");

        Run issued = admin("tokens", "issue", Long.toString(userId));
        String token = issued.out().lines().skip(1).findFirst().orElseThrow().replaceAll(".* ", "");
        assertThat(token).startsWith("pwt_");
        JsonNode tokens = json(admin("tokens", "list", Long.toString(userId), "--json"));
        assertThat(tokens).hasSize(1);
        long tokenId = tokens.get(0).path("id").asLong();
        assertThat(token).startsWith(tokens.get(0).path("prefix").asText());

        try (EchoServer echo = new EchoServer()) {
            int port = TunnelFixture.freePort();
            Run created = admin("tunnels", "create", "web", "--type", "tcp", "--remote-port", Integer.toString(port),
                    "--local", "127.0.0.1:" + echo.port(), "--owner", Long.toString(userId));
            assertThat(created.out()).contains("web", "tcp", Integer.toString(port), "pending");
            JsonNode tunnel = json(admin("tunnels", "list", "--json")).findParents("name").stream()
                    .filter(t -> t.path("name").asText().equals("web")).findFirst().orElseThrow();
            assertThat(tunnel.path("ownerId").asLong()).isEqualTo(userId);

            RecordingEvents events = new RecordingEvents();
            fixture.startClient(fixture.clientConfig(fixture.controlAddress().getPort(), token,
                    List.of(TunnelFixture.tcp("own", echo.port(), 0)), Duration.ofMillis(500)), "dave-laptop", events);
            events.nextRegistration(TunnelFixture.WAIT);
            JsonNode sessions = json(admin("sessions", "list", "--json"));
            assertThat(sessions).hasSize(1);
            assertThat(admin("sessions", "list").out()).contains("dave-laptop");
            String sessionId = sessions.get(0).path("id").asText();
            assertThat(admin("sessions", "kick", sessionId).out().strip())
                    .isEqualTo("disconnecting session " + sessionId);

            assertThat(admin("tunnels", "delete", tunnel.path("id").asText()).out().strip())
                    .isEqualTo("deleted tunnel " + tunnel.path("id").asText());
            assertThat(admin("tunnels", "list").out()).doesNotContain("web");
        }
        assertThat(admin("tokens", "revoke", Long.toString(tokenId)).out()).containsPattern("(?m)^" + tokenId + " ");
        assertThat(json(admin("tokens", "list", Long.toString(userId), "--json")).get(0).path("revoked").isNull())
                .isFalse();
        assertThat(admin("users", "delete", Long.toString(userId)).out().strip()).isEqualTo("deleted user " + userId);
        assertThat(admin("users", "list").out()).doesNotContain("dave");
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theApisProblemIsPrintedAndExitsWithOne() {
        Run missing = run(env, "users", "delete", "999999");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).startsWith("tunnel-server admin: ").contains("999999").doesNotContain("{");
        Run conflict = run(env, "users", "create", "admin");
        assertThat(conflict.exit()).isEqualTo(1);
        assertThat(conflict.err()).contains("(field: name)");
        Run wrongKey = run(Map.of(AdminCommand.URL_VARIABLE, env.get(AdminCommand.URL_VARIABLE),
                AdminCommand.KEY_VARIABLE, "pwk_not-a-key"), "users", "list");
        assertThat(wrongKey.exit()).isEqualTo(1);
        // Flags win over the environment.
        Run flags = run(Map.of(), "users", "list", "--url", env.get(AdminCommand.URL_VARIABLE), "--key",
                env.get(AdminCommand.KEY_VARIABLE));
        assertThat(flags.exit()).as(flags.err()).isZero();
        assertThat(flags.out()).contains("admin");
        assertThat(admin("certificates", "list").out()).startsWith("NAME").contains("STATE", "LAST ERROR");
        Run noAcme = run(env, "certificates", "request", "www.example.org");
        assertThat(noAcme.exit()).isEqualTo(1);
        assertThat(noAcme.err()).startsWith("tunnel-server admin: ").contains("https.acme");
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void plansUsageApiKeysClaimsAndTheAuditLog(@TempDir Path dir) throws Exception {
        Path limits = dir.resolve("hobby.json");
        Files.writeString(limits, "{\"monthlyTraffic\": 1073741824, \"tunnelsPerUser\": 3}");
        assertThat(admin("plans", "create", "hobby", "--limits", limits.toString()).out())
                .containsPattern("(?m)^\\d+ +hobby +false +1073741824 +\\S+ +3 ");
        long planId = json(admin("plans", "list", "--json")).findParents("name").stream()
                .filter(p -> p.path("name").asText().equals("hobby")).findFirst().orElseThrow().path("id").asLong();
        long userId = json(admin("users", "create", "erin", "--json")).path("user").path("id").asLong();
        String user = Long.toString(userId);

        assertThat(admin("users", "set-plan", user, Long.toString(planId)).out())
                .containsPattern("(?m)^" + userId + " +erin +active +" + planId + " ");
        assertThat(admin("usage", "show", user).out()).contains("1073741824", "hobby", "ok");
        assertThat(admin("users", "set-plan", user, "default").out())
                .containsPattern("(?m)^" + userId + " +erin +active +- ");

        String key = lastWord(admin("api-keys", "issue", user).out());
        assertThat(key).startsWith("pwk_");
        long keyId = json(admin("api-keys", "list", user, "--json")).get(0).path("id").asLong();
        String rotated = lastWord(admin("api-keys", "rotate", Long.toString(keyId)).out());
        assertThat(rotated).startsWith("pwk_").isNotEqualTo(key);
        JsonNode keys = json(admin("api-keys", "list", user, "--json"));
        long newKeyId = keys.findParents("role").stream().filter(k -> k.path("revoked").isNull()).findFirst()
                .orElseThrow().path("id").asLong();
        assertThat(admin("api-keys", "revoke", Long.toString(newKeyId)).out())
                .containsPattern("(?m)^" + newKeyId + " +" + userId + " +user ");

        assertThat(admin("claims", "list").out()).startsWith("KIND");
        assertThat(admin("audit", "list", "--limit", "50").out())
                .contains("plan.create", "user.update", "apiKey.issue", "apiKey.rotate", "apiKey.revoke");
        assertThat(admin("plans", "delete", Long.toString(planId)).out().strip()).isEqualTo("deleted plan " + planId);

        Run badFile = run(env, "plans", "create", "x", "--limits", dir.resolve("missing.json").toString());
        assertThat(badFile.exit()).isEqualTo(2);
        assertThat(badFile.err()).contains("--limits " + dir.resolve("missing.json"));
        Run notReloadable = run(env, "config", "reload");
        assertThat(notReloadable.exit()).isEqualTo(1);
        assertThat(notReloadable.err()).startsWith("tunnel-server admin: ").doesNotContain("{");
    }

    private static String lastWord(String table) {
        return table.lines().skip(1).findFirst().orElseThrow().replaceAll(".* ", "");
    }

    private record Run(int exit, String out, String err) {
    }

    /** A command that must succeed. */
    private Run admin(String... args) {
        Run run = run(env, args);
        assertThat(run.exit()).as(String.join(" ", args) + ": " + run.err()).isZero();
        return run;
    }

    private static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = AdminCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static JsonNode json(Run run) throws Exception {
        return JSON.readTree(run.out());
    }
}
