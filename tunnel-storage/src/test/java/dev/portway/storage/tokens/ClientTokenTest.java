package dev.portway.storage.tokens;

import dev.portway.storage.Storage;
import dev.portway.storage.StorageSettings;
import dev.portway.storage.db.Database;
import dev.portway.storage.testing.TestDatabases;
import dev.portway.storage.users.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static dev.portway.storage.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/** Tokens are shown once and stored only as a hash. */
@Timeout(60)
class ClientTokenTest {
    @TempDir
    static Path dataDir;
    private static Database database;
    private static Storage storage;

    @BeforeAll
    static void start() {
        database = Database.start(TestDatabases.freshDatabase(), dataDir);
        storage = Storage.open(database, StorageSettings.DEFAULTS);
    }

    @AfterAll
    static void stop() {
        storage.close();
        database.close();
    }

    @Test
    void findByIdReturnsTheRowRevokedOrNotAndNothingForAnUnknownId() {
        User user = result(storage.users().create("token-finder"));
        IssuedToken issued = result(storage.clientTokens().issue(user.id()));

        assertThat(result(storage.clientTokens().findById(issued.row().id()))).contains(issued.row());
        ClientToken revoked = result(storage.clientTokens().revoke(issued.row().id()));
        assertThat(result(storage.clientTokens().findById(issued.row().id()))).contains(revoked);
        assertThat(result(storage.clientTokens().findById(-1))).isEmpty();
    }

    @Test
    void pingAnswersWhileTheDatabaseIsUp() {
        assertThat(result(storage.ping())).isNull();
    }

    @Test
    void issuingStoresTheHashAndPrefixButNeverThePlainToken() throws SQLException {
        User user = result(storage.users().create("token-owner"));
        IssuedToken issued = result(storage.clientTokens().issue(user.id()));

        String token = issued.token();
        assertThat(token).startsWith("pwt_");
        assertThat(Base64.getUrlDecoder().decode(token.substring(4))).hasSize(32);
        assertThat(issued.row().prefix()).isEqualTo(token.substring(0, 8));
        assertThat(issued.toString()).doesNotContain(token);

        List<String> row = rowAsText(issued.row().id());
        assertThat(row).contains("\\x" + HexFormat.of().formatHex(SecretTokens.hash(token)));
        String secretPart = token.substring(8);
        assertThat(row).noneSatisfy(value -> assertThat(value).contains(secretPart));
        assertThat(String.join("|", row)).doesNotContain(token);
    }

    @Test
    void authenticationHashesWhatTheClientSends() {
        User user = result(storage.users().create("login-user"));
        IssuedToken issued = result(storage.clientTokens().issue(user.id()));

        assertThat(result(storage.tokenCache().authenticate(issued.token()))).get()
                .satisfies(p -> {
                    assertThat(p.userId()).isEqualTo(user.id());
                    assertThat(p.userName()).isEqualTo("login-user");
                    assertThat(p.active()).isTrue();
                });
        assertThat(result(storage.tokenCache().authenticate("pwt_not-a-token"))).isEmpty();
        result(storage.clientTokens().markUsed(issued.row().id()));
        assertThat(result(storage.clientTokens().listByUser(user.id()))).singleElement()
                .satisfies(t -> assertThat(t.lastUsed()).isNotNull());
    }

    private static List<String> rowAsText(long id) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT * FROM client_tokens WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    values.add(String.valueOf(rs.getString(i)));
                }
            }
        }
        return values;
    }
}
