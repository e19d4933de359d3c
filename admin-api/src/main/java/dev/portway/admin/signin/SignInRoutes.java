package dev.portway.admin.signin;

import dev.portway.admin.audit.Auditor;
import dev.portway.admin.auth.Authenticator;
import dev.portway.admin.auth.Operator;
import dev.portway.admin.http.Access;
import dev.portway.admin.http.AdminRequest;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.Route;
import dev.portway.admin.problem.ApiException;
import dev.portway.storage.tokens.SecretTokens;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/v1/session}: a browser exchanges an API key for a session cookie (sign-in), asks who it is signed in as
 * (and for its CSRF token again after a page reload), and signs out. What the cookie then allows is exactly what the
 * key allows.
 */
public final class SignInRoutes {
    private final Authenticator authenticator;
    private final CookieSessions sessions;
    private final Auditor auditor;

    public SignInRoutes(Authenticator authenticator, CookieSessions sessions, Auditor auditor) {
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.auditor = auditor;
    }

    /** @param apiKey an API key ({@code pwk_...}) of an active user */
    public record SignIn(String apiKey) {
        /** Without the key: records print every component. */
        @Override
        public String toString() {
            return "SignIn[]";
        }
    }

    /**
     * @param csrfToken send it as {@code X-Portway-CSRF} with every request but GET; null when the caller used a
     *                  bearer key rather than the cookie
     * @param expiresAt when the cookie stops working; null for a bearer key
     */
    public record SignedInView(long userId, String userName, String role, String csrfToken, String expiresAt) {
        static SignedInView of(Operator operator, CookieSessions.CookieSession session) {
            return new SignedInView(operator.userId(), operator.userName(), operator.role().dbName(),
                    session == null ? null : session.csrfToken(),
                    session == null ? null : Json.time(session.expires()));
        }
    }

    public List<Route> routes() {
        return List.of(
                Route.route("POST", "/api/v1/session", "signIn")
                        .summary("Exchange an API key for a session cookie (HttpOnly, SameSite=Strict) and a CSRF token")
                        .access(Access.PUBLIC)
                        .request(BodyShape.of(SignIn.class))
                        .response(201, BodyShape.of(SignedInView.class))
                        .errors(401, 403, 422)
                        .handler(this::signIn),
                Route.route("GET", "/api/v1/session", "currentSession")
                        .summary("Who the cookie (or key) signs in as, with the session's CSRF token")
                        .response(200, BodyShape.of(SignedInView.class))
                        .handler(this::current),
                Route.route("DELETE", "/api/v1/session", "signOut")
                        .summary("End the cookie's session and delete the cookie")
                        .response(204, BodyShape.NONE)
                        .errors(404)
                        .handler(this::signOut));
    }

    private CompletableFuture<AdminResponse> signIn(Call call) {
        refuseAnotherSite(call.request());
        String key = call.body(SignIn.class).apiKey();
        if (key == null || key.isBlank()) {
            throw ApiException.invalid("apiKey", "an API key (pwk_...) is required");
        }
        String trimmed = key.trim();
        return authenticator.byKey(call.request(), trimmed).thenCompose(operator -> {
            CookieSessions.CookieSession session = sessions.open(SecretTokens.hash(trimmed));
            return auditor.record(operator, "session.signin", "user:" + operator.userId(), Map.of())
                    .thenApply(ignored -> Json.response(201, SignedInView.of(operator, session), Map.of(
                            "Set-Cookie", SessionCookie.set(session.id(), sessions.lifetime(), call.request()),
                            "Cache-Control", "no-store")));
        });
    }

    private CompletableFuture<AdminResponse> current(Call call) {
        return CompletableFuture.completedFuture(Json.response(200,
                SignedInView.of(call.operator(), cookieSession(call).orElse(null)),
                Map.of("Cache-Control", "no-store")));
    }

    private CompletableFuture<AdminResponse> signOut(Call call) {
        CookieSessions.CookieSession session = cookieSession(call).orElseThrow(() -> ApiException.notFound(
                "No session to end: this request was authenticated by a bearer key, not a session cookie"));
        sessions.close(session.id());
        return auditor.record(call.operator(), "session.signout", "user:" + call.operator().userId(), Map.of())
                .thenApply(ignored -> new AdminResponse(204,
                        Map.of("Set-Cookie", SessionCookie.delete(call.request())), new byte[0]));
    }

    /**
     * A page of another site (a tenant's tunnel under the same domain, say) could otherwise sign the operator's
     * browser in as its own user: a plain-text POST needs no CORS preflight, and SameSite does not tell sites of one
     * domain apart. JSON does need the preflight, which is never granted; an Origin, when the browser sends one, must
     * be this listener's.
     */
    private static void refuseAnotherSite(AdminRequest request) {
        boolean json = request.header("content-type")
                .map(type -> type.toLowerCase(Locale.ROOT).startsWith("application/json")).orElse(false);
        Optional<String> origin = request.header("origin");
        Optional<String> host = request.header("host");
        boolean sameOrigin = origin.isEmpty() || host.isPresent()
                && (origin.get().equalsIgnoreCase("http://" + host.get())
                || origin.get().equalsIgnoreCase("https://" + host.get()));
        if (!json || !sameOrigin) {
            throw ApiException.forbidden("Sign in with Content-Type: application/json, from this listener's own pages");
        }
    }

    /** The session this request came with, when it came by cookie rather than by bearer key. */
    private Optional<CookieSessions.CookieSession> cookieSession(Call call) {
        if (call.request().header("authorization").isPresent()) {
            return Optional.empty();
        }
        return SessionCookie.value(call.request()).flatMap(sessions::find);
    }
}
