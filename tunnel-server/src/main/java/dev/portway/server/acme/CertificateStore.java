package dev.portway.server.acme;

import dev.portway.storage.certificates.AcmeRequest;

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

    /** The names certificates are wanted for besides {@code https.acme.domains}. */
    List<AcmeRequest> requests() throws Exception;

    /** Records a request for {@code name} unless one exists; returns the one stored. */
    AcmeRequest request(String name, String origin) throws Exception;

    /** Deletes the certificate of {@code name} and the request for it; true when there was either. */
    boolean delete(String name) throws Exception;

    /**
     * Runs {@code work} while no other server sharing this store runs work of its own: one node orders, the others
     * find its certificate when they get the lock.
     */
    <T> T exclusively(Callable<T> work) throws Exception;

    /**
     * Serves an HTTP-01 answer on every server sharing this store, and returns once they are told; the ordering
     * server serves it itself in any case.
     */
    default void shareHttp01(String keyAuthorization) throws Exception {
    }

    /** Withdraws what {@link #shareHttp01} shared. */
    default void withdrawHttp01(String token) throws Exception {
    }
}
