package dev.portway.server.acme;

import java.net.URI;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Where the ACME account key and the issued certificates are kept, private keys encrypted ({@link StorageCipher}):
 * PostgreSQL, shared by every node, or files under the data folder without a database.
 *
 * <p>Threading: called from the ACME thread only; calls block.
 */
public interface CertificateStore {
    Optional<KeyPair> accountKey(URI directory) throws Exception;

    /** Stores {@code key} unless a key for {@code directory} is stored already; returns the one stored. */
    KeyPair saveAccountKey(URI directory, KeyPair key) throws Exception;

    List<IssuedCertificate> certificates() throws Exception;

    /** Adds {@code certificate}, or replaces the one of its name. */
    void save(IssuedCertificate certificate) throws Exception;

    /**
     * Runs {@code work} while no other server sharing this store runs work of its own: one node orders, the others
     * find its certificate when they get the lock.
     */
    <T> T exclusively(Callable<T> work) throws Exception;
}
