package dev.portway.admin.signin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.admin.http.AdminRequest;
import dev.portway.admin.testing.AdminApiFixture;
import dev.portway.admin.testing.AdminApiFixture.Account;
import dev.portway.admin.testing.AdminApiFixture.Reply;
import dev.portway.admin.testing.SharedAdminApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.portway.admin.testing.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class SignInRoutesTest extends SharedAdminApi {
    /** A browser signed in: its cookie and the CSRF token the sign-in returned. */
    private record Browser(String cookie, String csrf) {
    }

    private static Reply signIn(String key, Map<String, String> extraHeaders) {
        return signInWith("{\"apiKey\": \"" + key + "\"}", extraHeaders);
    }

    /** As the console's page signs in: JSON, from its own origin when the browser names one. */
    private static Reply signInWith(String body, Map<String, String> extraHeaders) {
        Map<String, String> headers = new HashMap<>(Map.of("content-type", "application/json",
                "host", "admin.example.com"));
        headers.putAll(extraHeaders);
        return send("POST", "/api/v1/session", null, body, headers);
    }

    private static Browser signedIn(String key) {
        Reply reply = signIn(key, Map.of());
        assertThat(reply.status()).as("%s", reply).isEqualTo(201);
        String setCookie = reply.header("Set-Cookie");
        return new Browser(setCookie.substring(0, setCookie.indexOf(';')), reply.json().path("csrfToken").asText());
    }

    private static Reply send(String method, String path, Browser browser, String body, Map<String, String> extra) {
        Map<String, List<String>> headers = new HashMap<>();
        if (browser != null) {
            headers.put("cookie", List.of("theme=dark; " + browser.cookie()));
        }
        extra.forEach((name, value) -> headers.put(name, List.of(value)));
        return api.send(new AdminRequest(method, path, Map.of(), headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), AdminApiFixture.REMOTE));
    }

    @Test
    void signInSetsAStrictHttpOnlyCookieAndReturnsTheCsrfToken() {
        Reply reply = signIn(api.adminKey, Map.of());

        assertThat(reply.status()).isEqualTo(201);
        assertThat(reply.header("Set-Cookie")).matches("portway_session=[A-Za-z0-9_-]{43}; Path=/; Max-Age=28800;"
                + " HttpOnly; SameSite=Strict");
        assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
        JsonNode body = reply.json();
        assertThat(body.path("userName").asText()).isEqualTo("root");
        assertThat(body.path("role").asText()).isEqualTo("admin");
        assertThat(body.path("csrfToken").asText()).hasSize(43);
        assertThat(body.path("expiresAt").asText()).isNotEmpty();
        assertThat(new String(reply.response().body(), StandardCharsets.UTF_8)).doesNotContain(api.adminKey);
    }

    @Test
    void theCookieIsSecureWhenTheBrowserCameOverHttps() {
        assertThat(signIn(api.adminKey, Map.of("x-forwarded-proto", "https")).header("Set-Cookie")).endsWith("; Secure");
        assertThat(signIn(api.adminKey, Map.of("origin", "https://admin.example.com")).header("Set-Cookie"))
                .endsWith("; Secure");
    }

    @Test
    void aBadKeyIsRefusedAndAMissingOneNamesTheField() {
        assertProblem(signIn("pwk_wrong", Map.of()), 401);
        assertProblem(signInWith("{\"apiKey\": \"\"}", Map.of()), 422, "apiKey");
        assertProblem(signInWith("{\"key\": \"x\"}", Map.of()), 422, "key");
    }

    @Test
    void anotherSitesPageCannotSignTheBrowserIn() {
        // A plain-text POST needs no CORS preflight; a tenant's page under the same domain could send one.
        assertThat(assertProblem(signIn(api.adminKey, Map.of("content-type", "text/plain")), 403)
                .path("detail").asText()).contains("application/json");
        assertProblem(signIn(api.adminKey, Map.of("origin", "https://tenant.example.com")), 403);
        assertThat(signIn(api.adminKey, Map.of("origin", "http://admin.example.com")).status()).isEqualTo(201);
    }

    @Test
    void aSecondSessionCookieFromAnotherSiteIsRefusedNotGuessedBetween() {
        Browser mine = signedIn(api.adminKey);
        Browser planted = signedIn(api.account("cookie-tosser").key());
        Map<String, List<String>> headers = Map.of("cookie", List.of(planted.cookie() + "; " + mine.cookie()));
        Reply both = api.send(new AdminRequest("GET", "/api/v1/session", Map.of(), headers, null,
                AdminApiFixture.REMOTE));
        assertThat(assertProblem(both, 401).path("detail").asText()).contains("Several portway_session cookies");
    }

    @Test
    void theCookieReadsAndWithTheCsrfTokenWrites() {
        Browser browser = signedIn(api.adminKey);

        Reply me = send("GET", "/api/v1/session", browser, null, Map.of());
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().path("csrfToken").asText()).isEqualTo(browser.csrf());
        assertThat(send("GET", "/api/v1/users", browser, null, Map.of()).status()).isEqualTo(200);

        String user = "{\"name\": \"csrf-victim\"}";
        assertThat(assertProblem(send("POST", "/api/v1/users", browser, user, Map.of()), 403).path("detail").asText())
                .contains("X-Portway-CSRF");
        assertProblem(send("POST", "/api/v1/users", browser, user, Map.of("x-portway-csrf", "guess")), 403);
        assertThat(send("POST", "/api/v1/users", browser, user, Map.of("x-portway-csrf", browser.csrf())).status())
                .isEqualTo(201);
    }

    @Test
    void aUserCookieReachesOnlyItsOwnThings() {
        Account ada = api.account("cookie-ada");
        Account bob = api.account("cookie-bob");
        Browser browser = signedIn(ada.key());

        Reply users = send("GET", "/api/v1/users", browser, null, Map.of());
        assertThat(users.json().findValuesAsText("name")).containsExactly("cookie-ada");
        assertProblem(send("GET", "/api/v1/users/" + bob.user().id(), browser, null, Map.of()), 403);
        assertProblem(send("GET", "/api/v1/audit", browser, null, Map.of()), 403);
    }

    @Test
    void signOutEndsTheSessionAndDeletesTheCookie() {
        Browser browser = signedIn(api.adminKey);

        // No CSRF token needed: a stale tab must be able to sign out, and being signed out by another site is harmless.
        Reply out = send("DELETE", "/api/v1/session", browser, null, Map.of());
        assertThat(out.status()).isEqualTo(204);
        assertThat(out.header("Set-Cookie")).isEqualTo("portway_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        assertProblem(send("GET", "/api/v1/session", browser, null, Map.of()), 401);
    }

    @Test
    void revokingTheKeyEndsItsSessions() {
        Account cy = api.account("cookie-cy");
        Browser browser = signedIn(cy.key());
        long keyId = api.get("/api/v1/users/" + cy.user().id() + "/api-keys", api.adminKey).json().get(0)
                .path("id").asLong();
        assertThat(api.call("DELETE", "/api/v1/api-keys/" + keyId, api.adminKey, null).status()).isEqualTo(200);

        assertProblem(send("GET", "/api/v1/session", browser, null, Map.of()), 401);
    }

    @Test
    void aBearerKeyNeedsNoCsrfTokenAndGetsNone() {
        Reply me = api.get("/api/v1/session", api.adminKey);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().path("csrfToken").isNull()).isTrue();
        assertThat(api.call("POST", "/api/v1/users", api.adminKey, "{\"name\": \"bearer-made\"}").status())
                .isEqualTo(201);
        assertProblem(api.call("DELETE", "/api/v1/session", api.adminKey, null), 404);
    }

    @Test
    void signInAndOutAreAudited() {
        Browser browser = signedIn(api.adminKey);
        send("DELETE", "/api/v1/session", browser, null, Map.of("x-portway-csrf", browser.csrf()));
        JsonNode entries = api.call("GET", "/api/v1/audit", Map.of("limit", "2"), api.adminKey, null).json();
        assertThat(entries.findValuesAsText("action")).containsExactly("session.signout", "session.signin");
    }
}
