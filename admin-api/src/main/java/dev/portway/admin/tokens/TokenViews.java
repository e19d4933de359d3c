package dev.portway.admin.tokens;

import dev.portway.admin.http.Json;
import dev.portway.storage.tokens.ClientToken;
import dev.portway.storage.tokens.IssuedToken;

import java.util.List;

/** Response bodies of the token routes. A token's hash never leaves storage; its plain value only once, at issue. */
public final class TokenViews {
    private TokenViews() {
    }

    public record TokenView(long id, long userId, String prefix, String created, String lastUsed, String revoked) {
        public static TokenView of(ClientToken token) {
            return new TokenView(token.id(), token.userId(), token.prefix(), Json.time(token.created()),
                    Json.time(token.lastUsed()), Json.time(token.revoked()));
        }
    }

    /** The answer to an issue: the only response that ever carries the plain token. */
    public record IssuedTokenView(long id, long userId, String prefix, String created, String token) {
        static IssuedTokenView of(IssuedToken issued) {
            ClientToken row = issued.row();
            return new IssuedTokenView(row.id(), row.userId(), row.prefix(), Json.time(row.created()), issued.token());
        }

        @Override
        public String toString() {
            return "IssuedTokenView[" + prefix + "***, id=" + id + ", userId=" + userId + "]";
        }
    }

    /** @param disconnectedSessions live sessions that had logged in with the token and are being closed */
    public record RevokedTokenView(TokenView token, List<String> disconnectedSessions) {
    }
}
