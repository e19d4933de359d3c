package dev.portway.storage.bootstrap;

import dev.portway.storage.StorageException;
import dev.portway.storage.apikeys.ApiKeyRepository;
import dev.portway.storage.apikeys.ApiKeyRole;
import dev.portway.storage.apikeys.IssuedApiKey;
import dev.portway.storage.db.Jdbc;
import dev.portway.storage.tokens.ClientTokenRepository;
import dev.portway.storage.tokens.IssuedToken;
import dev.portway.storage.users.User;
import dev.portway.storage.users.UserRepository;
import dev.portway.storage.users.UserStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * First start: there is no default password anywhere, so on a database without users this creates the user
 * {@value #ADMIN_NAME}, an admin API key and a client token, returns them once and writes them to
 * {@code <dataDir>/}{@value #FILE_NAME} (mode 0600). Any later start finds a user and does nothing.
 *
 * <p>The rows and the file are made in one transaction that commits only after the file is written, so a failed
 * write leaves an empty database and the next start tries again. A transaction-scoped advisory lock makes two nodes
 * starting together on a new database bootstrap it once.
 */
public final class Bootstrap {
    public static final String ADMIN_NAME = "admin";
    public static final String FILE_NAME = "initial-credentials";
    private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);
    /** Arbitrary, fixed: the advisory lock id that serialises bootstrapping. */
    private static final long LOCK_ID = 0x706f72747761794cL;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Jdbc jdbc;

    public Bootstrap(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates the first credentials if the database has no user yet; empty otherwise. */
    public CompletableFuture<Optional<InitialCredentials>> run(Path dataDir) {
        return jdbc.transaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                s.setLong(1, LOCK_ID);
                s.execute();
            }
            try (PreparedStatement s = tx.connection().prepareStatement("SELECT EXISTS (SELECT 1 FROM users)");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return Optional.empty();
                }
            }
            User admin = UserRepository.insert(tx.connection(), ADMIN_NAME, UserStatus.ACTIVE);
            IssuedApiKey apiKey = ApiKeyRepository.insert(tx.connection(), admin.id(), ApiKeyRole.ADMIN);
            IssuedToken token = ClientTokenRepository.insert(tx.connection(), admin.id());
            Path file = dataDir.resolve(FILE_NAME);
            write(file, admin, apiKey, token);
            log.info("Created the first user '{}', admin API key {}*** and client token {}***; written to {}",
                    admin.name(), apiKey.row().prefix(), token.row().prefix(), file);
            return Optional.of(new InitialCredentials(admin, apiKey, token, file));
        });
    }

    private static void write(Path file, User admin, IssuedApiKey apiKey, IssuedToken token) {
        String text = "# Portway initial credentials, created once on first start. Store them safely, then delete"
                + " this file.\n"
                + "admin_user=" + admin.name() + "\n"
                + "admin_api_key=" + apiKey.key() + "\n"
                + "client_token=" + token.token() + "\n";
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(tmp);
            // Created 0600 before any secret is written, so the secret is never readable by others, not even briefly.
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, OWNER_ONLY);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StorageException("Cannot write the initial credentials to " + file + ": " + e.getMessage(), e);
        }
    }
}
