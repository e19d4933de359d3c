package dev.portway.admin.auth;

import dev.portway.admin.http.AdminRequest;
import dev.portway.admin.problem.ApiException;
import dev.portway.storage.apikeys.ApiKeyPrincipal;
import dev.portway.storage.apikeys.ApiKeyRepository;
import dev.portway.storage.tokens.SecretTokens;
import dev.portway.storage.users.UserStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * {@code Authorization: Bearer pwk_...} → {@link Operator}. Keys are looked up by hash on every request (storage does
 * not cache them), so a revoked key stops working at once. Logs name a key by its prefix only.
 */
public final class Authenticator {
    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
    private static final String SCHEME = "bearer ";

    private final ApiKeyRepository apiKeys;

    public Authenticator(ApiKeyRepository apiKeys) {
        this.apiKeys = apiKeys;
    }

    /** Completes with the operator, or exceptionally with a 401 (no or bad key) or 403 (user not active). */
    public CompletableFuture<Operator> authenticate(AdminRequest request) {
        List<String> values = request.headerValues("authorization");
        if (values.isEmpty()) {
            return CompletableFuture.failedFuture(
                    ApiException.unauthenticated("Send an API key as Authorization: Bearer <key>", false));
        }
        String value = values.get(0);
        if (values.size() > 1 || value.length() <= SCHEME.length()
                || !value.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            return CompletableFuture.failedFuture(
                    ApiException.unauthenticated("Expected one Authorization: Bearer <key> header", true));
        }
        String key = value.substring(SCHEME.length()).trim();
        if (!key.startsWith(SecretTokens.API_KEY_PREFIX)) {
            // Not even shaped like a key (a client token pasted by mistake, say): no database round trip.
            return refuse(request, key);
        }
        return apiKeys.authenticate(key).thenApply(found -> {
            ApiKeyPrincipal principal = found.orElseThrow(() -> refusal(request, key));
            if (principal.userStatus() != UserStatus.ACTIVE) {
                log.warn("Admin API key {}*** of {} user {} refused from {}", SecretTokens.displayPrefix(key),
                        principal.userStatus().dbName(), principal.userName(), request.remoteAddress());
                throw ApiException.forbidden("User " + principal.userName() + " is " + principal.userStatus().dbName());
            }
            return new Operator(principal.userId(), principal.userName(), principal.keyId(), principal.role(),
                    request.remoteAddress());
        });
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
