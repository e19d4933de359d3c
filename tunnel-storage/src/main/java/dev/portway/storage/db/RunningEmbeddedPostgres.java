package dev.portway.storage.db;

import dev.portway.storage.StorageException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How a second process on the same host reaches the embedded PostgreSQL that a running server started: the port is
 * line 4 of PostgreSQL's own {@code postmaster.pid} (a documented format, written by every postmaster since 9.1), the
 * password is the one {@link EmbeddedPostgresServer} keeps in {@code <dataDir>/postgres.password}. Reading both needs
 * the rights of the server's user (or root), which is also what it takes to copy the data directory itself.
 */
public record RunningEmbeddedPostgres(int port, String password) {
    private static final int PORT_LINE = 3;

    public static RunningEmbeddedPostgres find(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path pidFile = dir.resolve("postgres").resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.size() <= PORT_LINE) {
                throw new StorageException("The embedded PostgreSQL in " + dir + " is still starting (" + pidFile
                        + " has no port yet); try again");
            }
            int port = Integer.parseInt(lines.get(PORT_LINE).strip());
            String password = Files.readString(dir.resolve("postgres.password"), StandardCharsets.UTF_8).strip();
            return new RunningEmbeddedPostgres(port, password);
        } catch (IOException | NumberFormatException e) {
            throw new StorageException("Cannot find how to reach the embedded PostgreSQL that another process runs in "
                    + dir + ": " + e.getMessage(), e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + EmbeddedPostgresServer.DATABASE;
    }

    public String user() {
        return EmbeddedPostgresServer.SUPERUSER;
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "RunningEmbeddedPostgres[port=" + port + "]";
    }
}
