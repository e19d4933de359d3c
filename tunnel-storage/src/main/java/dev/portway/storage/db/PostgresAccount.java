package dev.portway.storage.db;

import dev.portway.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Decides which account the embedded PostgreSQL runs as. PostgreSQL's {@code initdb} and {@code postgres} refuse to
 * run as root, and root is exactly what containers and CI use; so when the JVM is root the server processes run as
 * the unprivileged system user {@value #ACCOUNT}, created on first use, or as {@code nobody} where no user can be
 * created. A non-root JVM runs them as itself.
 */
final class PostgresAccount {
    static final String ACCOUNT = "portway-pg";
    private static final Logger log = LoggerFactory.getLogger(PostgresAccount.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private PostgresAccount() {
    }

    /** Empty when no switch is needed (the JVM is not root). */
    static Optional<OsUser> resolve() {
        if (!runningAsRoot()) {
            return Optional.empty();
        }
        Optional<OsUser> existing = lookup(ACCOUNT);
        if (existing.isPresent()) {
            return existing;
        }
        try {
            ProcessRunner.run(List.of("useradd", "--system", "--user-group", "--no-create-home",
                    "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
                    "--comment", "Portway embedded PostgreSQL", ACCOUNT), TIMEOUT);
            log.info("Created system user {} to run the embedded PostgreSQL (it refuses to run as root)", ACCOUNT);
        } catch (IOException e) {
            // Another process may have created it meanwhile; otherwise fall back to nobody.
            log.warn("Could not create system user {}: {}", ACCOUNT, e.getMessage());
        }
        return lookup(ACCOUNT).or(() -> lookup("nobody")).or(() -> {
            throw new StorageException("The JVM runs as root, PostgreSQL refuses to, and neither user " + ACCOUNT
                    + " nor nobody exists or could be created; create " + ACCOUNT + " or configure database.url");
        });
    }

    static boolean runningAsRoot() {
        try {
            // /proc/self belongs to the effective user of this process; no JNI needed.
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static Optional<OsUser> lookup(String name) {
        try {
            int uid = Integer.parseInt(ProcessRunner.run(List.of("id", "-u", name), TIMEOUT));
            int gid = Integer.parseInt(ProcessRunner.run(List.of("id", "-g", name), TIMEOUT));
            return Optional.of(new OsUser(name, uid, gid));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
