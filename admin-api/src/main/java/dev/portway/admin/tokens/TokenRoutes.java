package dev.portway.admin.tokens;

import dev.portway.admin.LiveServerView;
import dev.portway.admin.audit.Auditor;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.Route;
import dev.portway.admin.problem.ApiException;
import dev.portway.admin.tokens.TokenViews.IssuedTokenView;
import dev.portway.admin.tokens.TokenViews.RevokedTokenView;
import dev.portway.admin.tokens.TokenViews.TokenView;
import dev.portway.admin.users.VisibleUser;
import dev.portway.storage.Storage;
import dev.portway.storage.sessions.SessionOwner;
import dev.portway.storage.tokens.ClientToken;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Client tokens of a user: issued (shown once), listed, revoked. A user key manages its own user's tokens. */
public final class TokenRoutes {
    private final Storage storage;
    private final Auditor auditor;
    private final LiveServerView sessions;

    /** @param sessions ends the sessions of a revoked token, on every node of a cluster */
    public TokenRoutes(Storage storage, Auditor auditor, LiveServerView sessions) {
        this.storage = storage;
        this.auditor = auditor;
        this.sessions = sessions;
    }

    public List<Route> routes() {
        return List.of(
                Route.route("POST", "/api/v1/users/{id}/tokens", "issueToken")
                        .summary("Issue a client token; the response is the only time the token is shown")
                        .response(201, BodyShape.of(IssuedTokenView.class))
                        .errors(404, 413)
                        .handler(this::issue),
                Route.route("GET", "/api/v1/users/{id}/tokens", "listTokens")
                        .summary("List a user's client tokens (prefix, created, last used, revoked)")
                        .response(200, BodyShape.listOf(TokenView.class))
                        .errors(404)
                        .handler(this::list),
                Route.route("DELETE", "/api/v1/tokens/{id}", "revokeToken")
                        .summary("Revoke a client token and end the sessions that logged in with it")
                        .response(200, BodyShape.of(RevokedTokenView.class))
                        .errors(404)
                        .handler(this::revoke));
    }

    private CompletableFuture<AdminResponse> issue(Call call) {
        long userId = call.idParameter("id");
        call.operator().requireOwnerOrAdmin(userId, "User " + userId);
        // The token has nothing to configure; a body is not needed, but when sent it must be an empty object.
        if (call.request().body().length > 0) {
            call.body(NoFields.class);
        }
        // An unknown user fails the insert's foreign key, which storage reports as NotFoundException: 404.
        return storage.clientTokens().issue(userId).thenCompose(issued -> {
            IssuedTokenView view = IssuedTokenView.of(issued);
            return auditor.record(call.operator(), "token.issue", "token:" + view.id(),
                            Map.of("userId", userId, "prefix", view.prefix()))
                    .thenApply(ignored -> Json.response(201, view));
        });
    }

    private CompletableFuture<AdminResponse> list(Call call) {
        return VisibleUser.of(call, storage).thenCompose(user -> storage.clientTokens().listByUser(user.id()))
                .thenApply(tokens -> Json.response(200, tokens.stream().map(TokenView::of).toList()));
    }

    private CompletableFuture<AdminResponse> revoke(Call call) {
        long tokenId = call.idParameter("id");
        return storage.clientTokens().findById(tokenId).thenCompose(found -> {
            ClientToken token = found.orElseThrow(() -> ApiException.notFound("No token " + tokenId));
            call.operator().requireOwnerOrAdmin(token.userId(), "Token " + tokenId);
            return storage.clientTokens().revoke(tokenId);
        }).thenCompose(revoked -> sessions.endSessionsOf(SessionOwner.token(tokenId))
                // The token cache drops the token on commit, but a session that logged in with it stays up until told.
                .thenCompose(ended -> auditor.record(call.operator(), "token.revoke", "token:" + tokenId,
                                Map.of("userId", revoked.userId(), "prefix", revoked.prefix(),
                                        "disconnectedSessions", ended))
                        .thenApply(ignored -> Json.response(200,
                                new RevokedTokenView(TokenView.of(revoked), ended)))));
    }

    /** The body of a token issue: nothing, so any field is an unknown one. */
    record NoFields() {
    }
}
