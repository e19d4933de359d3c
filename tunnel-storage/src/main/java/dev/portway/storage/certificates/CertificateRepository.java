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
 * ACME account keys by directory, the names certificates are requested for, and the certificates every node serves,
 * with their keys sealed by the server. {@link #exclusively} runs work under a PostgreSQL advisory lock, so that of
 * all the nodes on one database only one orders a certificate at a time. Saving or deleting a certificate tells every
 * node ({@link ChangeKind#CERTIFICATE}), so they serve what is stored without waiting for their next check.
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
        return jdbc.transaction(tx -> {
            Connection c = tx.connection();
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
            tx.publish(new ChangeEvent(ChangeKind.CERTIFICATE, certificate.name()));
            return null;
        });
    }

    /** Deletes the certificate of {@code name} and the request for it, if any; true when there was either. */
    public CompletableFuture<Boolean> delete(String name) {
        return jdbc.transaction(tx -> {
            int deleted = 0;
            for (String table : List.of("certificates", "acme_requests")) {
                try (PreparedStatement s = tx.connection().prepareStatement("DELETE FROM " + table
                        + " WHERE name = ?")) {
                    s.setString(1, name);
                    deleted += s.executeUpdate();
                }
            }
            tx.publish(new ChangeEvent(ChangeKind.CERTIFICATE, name));
            return deleted > 0;
        });
    }

    public CompletableFuture<List<AcmeRequest>> requests() {
        return jdbc.query(c -> {
            List<AcmeRequest> found = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT name, origin, created FROM acme_requests ORDER BY name");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    found.add(new AcmeRequest(r.getString(1), r.getString(2), r.getTimestamp(3).toInstant()));
                }
            }
            return found;
        });
    }

    /**
     * Records a request for {@code name} unless one exists; returns the one stored (an operator's request is not
     * turned into a tunnel's, nor the other way round). Tells every node, which starts ordering at once.
     */
    public CompletableFuture<AcmeRequest> request(String name, String origin) {
        return jdbc.transaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement("INSERT INTO acme_requests (name, origin)"
                    + " VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name"
                    + " RETURNING name, origin, created")) {
                s.setString(1, name);
                s.setString(2, origin);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    tx.publish(new ChangeEvent(ChangeKind.CERTIFICATE, name));
                    return new AcmeRequest(r.getString(1), r.getString(2), r.getTimestamp(3).toInstant());
                }
            }
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
