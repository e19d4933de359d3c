package dev.portway.storage.bootstrap;

import dev.portway.storage.apikeys.IssuedApiKey;
import dev.portway.storage.tokens.IssuedToken;
import dev.portway.storage.users.User;

import java.nio.file.Path;

/** What the first start creates; shown once. {@link #toString} prints prefixes only. */
public record InitialCredentials(User admin, IssuedApiKey apiKey, IssuedToken clientToken, Path file) {
    @Override
    public String toString() {
        return "InitialCredentials[admin=" + admin.name() + ", apiKey=" + apiKey.row().prefix()
                + "***, clientToken=" + clientToken.row().prefix() + "***, file=" + file + "]";
    }
}
