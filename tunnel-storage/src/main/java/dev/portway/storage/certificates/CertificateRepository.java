package dev.portway.storage.certificates;

import dev.portway.storage.change.ChangeEvent;
import dev.portway.storage.change.ChangeKind;
import dev.portway.storage.db.Jdbc;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * ACME account keys by directory and the certificates every node serves, with their keys sealed by the server.
 * {@link #exclusively} runs work under a PostgreSQL advisory lock, so that of all the nodes on one database only one
 * orders a certificate at a time.
 */
public final class CertificateRepository {
    private static final long ORDER_LOCK_KEY = 0x706f7274_6163_6d65L;

    /** A connection of its own, outside the pool: a session-level lock lives as long as its connection. */
    @FunctionalInterface
    public interface DedicatedConnections {
        Connection open() throws SQLException;
    }

    private final Jdbc jdbc;
    private final DedicatedConnections dedicated;

    public CertificateRepository(Jdbc jdbc, DedicatedConnections dedicated) {
        this.jdbc = jdbc;
        this.dedicated = dedicated;
    }

    public CompletableFuture<Optional<byte[]>> accountKey(String directory) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT sealed_key FROM acme_accounts WHERE directory = ?")) {
                s.setString(1, directory);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getBytes(1)) : Optional.empty();
                }
            }
        });
    }

    /** Keeps the first key stored for a directory: two nodes racing to make one both end up with the same. */
    public CompletableFuture<byte[]> saveAccountKey(String directory, byte[] sealedKey) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO acme_accounts (directory, sealed_key)"
                    + " VALUES (?, ?) ON CONFLICT (directory) DO UPDATE SET directory = EXCLUDED.directory"
                    + " RETURNING sealed_key")) {
                s.setString(1, directory);
                s.setBytes(2, sealedKey);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getBytes(1);
                }
            }
        });
    }

    public CompletableFuture<List<StoredCertificate>> all() {
        return jdbc.query(c -> {
            List<StoredCertificate> found = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT name, domains, chain_pem, sealed_key, not_before,"
                    + " not_after FROM certificates ORDER BY name");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    found.add(new StoredCertificate(r.getString(1), Arrays.asList((String[]) r.getArray(2).getArray()),
                            r.getString(3), r.getBytes(4), r.getTimestamp(5).toInstant(),
                            r.getTimestamp(6).toInstant()));
                }
            }
            return found;
        });
    }

    /** Adds the certificate, or replaces the one of its name. */
    public CompletableFuture<Void> save(StoredCertificate certificate) {
        return jdbc.query(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO certificates (name, domains, chain_pem,"
                    + " sealed_key, not_before, not_after) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                    + " domains = EXCLUDED.domains, chain_pem = EXCLUDED.chain_pem, sealed_key = EXCLUDED.sealed_key,"
                    + " not_before = EXCLUDED.not_before, not_after = EXCLUDED.not_after, updated = now()")) {
                Array domains = c.createArrayOf("text", certificate.domains().toArray());
                s.setString(1, certificate.name());
                s.setArray(2, domains);
                s.setString(3, certificate.chainPem());
                s.setBytes(4, certificate.sealedKey());
                s.setTimestamp(5, Timestamp.from(certificate.notBefore()));
                s.setTimestamp(6, Timestamp.from(certificate.notAfter()));
                s.executeUpdate();
            }
            return null;
        });
    }

    /** Tells every node (this one included) to serve an HTTP-01 answer. */
    public CompletableFuture<Void> announceHttp01(String keyAuthorization) {
        return announce("+" + keyAuthorization);
    }

    /** Tells every node to stop serving the HTTP-01 answer of {@code token}. */
    public CompletableFuture<Void> withdrawHttp01(String token) {
        return announce("-" + token);
    }

    private CompletableFuture<Void> announce(String key) {
        return jdbc.transaction(tx -> {
            tx.publish(new ChangeEvent(ChangeKind.ACME_CHALLENGE, key));
            return null;
        });
    }

    /**
     * Runs {@code work} on the calling thread while holding the order lock, waiting for it as long as another node
     * holds it. Blocking: for the ACME thread only.
     */
    public <T> T exclusively(Callable<T> work) throws Exception {
        try (Connection c = dedicated.open()) {
            run(c, "SELECT pg_advisory_lock(?)");
            try {
                return work.call();
            } finally {
                run(c, "SELECT pg_advisory_unlock(?)");
            }
        }
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, ORDER_LOCK_KEY);
            s.executeQuery().close();
        }
    }
}
