package dev.portway.admin.auth;

import dev.portway.admin.http.AdminRequest;
import dev.portway.admin.problem.ApiException;
import dev.portway.admin.signin.CookieSessions;
import dev.portway.admin.signin.CookieSessions.CookieSession;
import dev.portway.admin.signin.SessionCookie;
import dev.portway.storage.apikeys.ApiKeyPrincipal;
import dev.portway.storage.apikeys.ApiKeyRepository;
import dev.portway.storage.tokens.SecretTokens;
import dev.portway.storage.users.UserStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code Authorization: Bearer pwk_...}, or the console's session cookie, → {@link Operator}. Keys are looked up by
 * hash on every request (storage does not cache them), so a revoked key stops working at once, also for the sessions
 * it signed in. A request by cookie that changes anything (any method but GET and HEAD) must also carry the session's
 * CSRF token in {@code X-Portway-CSRF}: another site's page can make a browser send the cookie, but cannot read the
 * token. Logs name a key by its prefix only.
 */
public final class Authenticator {
    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
    private static final String SCHEME = "bearer ";
    public static final String CSRF_HEADER = "x-portway-csrf";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD");

    private final ApiKeyRepository apiKeys;
    private final CookieSessions sessions;

    public Authenticator(ApiKeyRepository apiKeys, CookieSessions sessions) {
        this.apiKeys = apiKeys;
        this.sessions = sessions;
    }

    /** Completes with the operator, or exceptionally with a 401 (no or bad key) or 403 (user not active). */
    public CompletableFuture<Operator> authenticate(AdminRequest request) {
        List<String> values = request.headerValues("authorization");
        if (values.isEmpty()) {
            List<String> cookies = SessionCookie.values(request);
            if (cookies.size() > 1) {
                // Taking either could run this browser's requests as someone else's session.
                return CompletableFuture.failedFuture(ApiException.unauthenticated("Several "
                        + SessionCookie.NAME + " cookies came with the request (one set by another site under this"
                        + " domain?); clear this site's cookies and sign in again", true));
            }
            return cookies.isEmpty()
                    ? CompletableFuture.failedFuture(ApiException.unauthenticated(
                            "Send an API key as Authorization: Bearer <key>, or sign in", false))
                    : bySession(request, cookies.get(0));
        }
        String value = values.get(0);
        if (values.size() > 1 || value.length() <= SCHEME.length()
                || !value.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            return CompletableFuture.failedFuture(
                    ApiException.unauthenticated("Expected one Authorization: Bearer <key> header", true));
        }
        String key = value.substring(SCHEME.length()).trim();
        // A key not even shaped like one (a client token pasted by mistake, say) costs no database round trip.
        return byKey(request, key);
    }

    /** The operator of an API key, as for a bearer key; for signing in. */
    public CompletableFuture<Operator> byKey(AdminRequest request, String key) {
        if (!key.startsWith(SecretTokens.API_KEY_PREFIX)) {
            return refuse(request, key);
        }
        return apiKeys.authenticate(key).thenApply(found -> {
            ApiKeyPrincipal principal = found.orElseThrow(() -> refusal(request, key));
            return active(request, principal);
        });
    }

    private CompletableFuture<Operator> bySession(AdminRequest request, String id) {
        CookieSession session = sessions.find(id).orElse(null);
        if (session == null) {
            return CompletableFuture.failedFuture(
                    ApiException.unauthenticated("The session has expired or was signed out; sign in again", true));
        }
        if (!SAFE_METHODS.contains(request.method()) && !signOut(request)
                && !session.csrfMatches(request.header(CSRF_HEADER).orElse(null))) {
            log.warn("Console request {} {} without its CSRF token refused from {}", request.method(), request.path(),
                    request.remoteAddress());
            return CompletableFuture.failedFuture(ApiException.forbidden(
                    "A signed-in change needs the X-Portway-CSRF header with the token returned at sign-in"));
        }
        return apiKeys.authenticateHash(session.keyHash()).thenApply(found -> {
            ApiKeyPrincipal principal = found.orElseThrow(() -> {
                sessions.close(id);
                log.warn("Console session of a revoked API key ended, from {}", request.remoteAddress());
                return ApiException.unauthenticated("The API key of this session was revoked; sign in again", true);
            });
            return active(request, principal);
        });
    }

    /**
     * Signing out needs no CSRF token: another site making the browser sign out does no harm, and a tab whose token
     * went stale (signed in again elsewhere) must still be able to end its session.
     */
    private static boolean signOut(AdminRequest request) {
        return request.method().equals("DELETE") && request.path().equals("/api/v1/session");
    }

    private static Operator active(AdminRequest request, ApiKeyPrincipal principal) {
        if (principal.userStatus() != UserStatus.ACTIVE) {
            log.warn("Admin API key {} of {} user {} refused from {}", principal.keyId(),
                    principal.userStatus().dbName(), principal.userName(), request.remoteAddress());
            throw ApiException.forbidden("User " + principal.userName() + " is " + principal.userStatus().dbName());
        }
        return new Operator(principal.userId(), principal.userName(), principal.keyId(), principal.role(),
                request.remoteAddress());
    }

    private static CompletableFuture<Operator> refuse(AdminRequest request, String key) {
        return CompletableFuture.failedFuture(refusal(request, key));
    }

    private static ApiException refusal(AdminRequest request, String key) {
        // Only a pwk_ key's prefix is safe to log: anything else may be a password pasted into the wrong field.
        String shown = key.startsWith(SecretTokens.API_KEY_PREFIX) ? SecretTokens.displayPrefix(key) + "***"
                : "(not an API key)";
        log.warn("Unknown or revoked admin API key {} from {}", shown, request.remoteAddress());
        return ApiException.unauthenticated("Unknown or revoked API key", true);
    }
}
