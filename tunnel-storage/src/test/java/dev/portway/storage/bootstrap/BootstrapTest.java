package dev.portway.storage.bootstrap;

import dev.portway.storage.Storage;
import dev.portway.storage.StorageSettings;
import dev.portway.storage.apikeys.ApiKeyPrincipal;
import dev.portway.storage.apikeys.ApiKeyRole;
import dev.portway.storage.db.Database;
import dev.portway.storage.db.DatabaseConfig;
import dev.portway.storage.tokens.Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static dev.portway.storage.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/** First start creates the admin credentials once; a restart on the same data creates nothing. */
@Timeout(120)
class BootstrapTest {
    @TempDir
    Path dataDir;

    @Test
    void firstStartCreatesCredentialsOnceAndARestartCreatesNothing() throws Exception {
        InitialCredentials credentials;
        try (Database database = Database.start(DatabaseConfig.embedded(), dataDir);
             Storage storage = Storage.open(database, StorageSettings.DEFAULTS)) {
            credentials = result(storage.bootstrap(dataDir)).orElseThrow();

            Path file = dataDir.resolve(Bootstrap.FILE_NAME);
            assertThat(credentials.file()).isEqualTo(file);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(Files.readString(file))
                    .contains("admin_api_key=" + credentials.apiKey().key())
                    .contains("client_token=" + credentials.clientToken().token());
            assertThat(credentials.toString()).doesNotContain(credentials.apiKey().key(),
                    credentials.clientToken().token());

            assertThat(result(storage.apiKeys().authenticate(credentials.apiKey().key()))).get()
                    .extracting(ApiKeyPrincipal::role).isEqualTo(ApiKeyRole.ADMIN);
            assertThat(result(storage.tokenCache().authenticate(credentials.clientToken().token()))).get()
                    .extracting(Principal::userName).isEqualTo("admin");
            assertThat(result(storage.bootstrap(dataDir))).isEmpty();
        }
        String written = Files.readString(dataDir.resolve(Bootstrap.FILE_NAME));

        try (Database database = Database.start(DatabaseConfig.embedded(), dataDir);
             Storage storage = Storage.open(database, StorageSettings.DEFAULTS)) {
            assertThat(result(storage.bootstrap(dataDir))).isEqualTo(Optional.empty());
            assertThat(result(storage.users().count())).isEqualTo(1);
            assertThat(result(storage.apiKeys().authenticate(credentials.apiKey().key()))).isPresent();
        }
        assertThat(Files.readString(dataDir.resolve(Bootstrap.FILE_NAME))).isEqualTo(written);
    }
}
