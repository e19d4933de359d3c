package dev.portway.server.acme;

import dev.portway.storage.certificates.AcmeRequest;
import dev.portway.storage.certificates.CertificateRepository;
import dev.portway.storage.certificates.StoredCertificate;

import java.net.URI;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The store on PostgreSQL, shared by every node of the database: keys sealed with {@link StorageCipher} before they
 * are written, so each node needs the same storage key; the order lock is a PostgreSQL advisory lock.
 */
public final class DatabaseCertificateStore implements CertificateStore {
    private final CertificateRepository repository;
    private final StorageCipher cipher;

    public DatabaseCertificateStore(CertificateRepository repository, StorageCipher cipher) {
        this.repository = repository;
        this.cipher = cipher;
    }

    @Override
    public Optional<KeyPair> accountKey(URI directory) throws Exception {
        Optional<byte[]> sealed = repository.accountKey(directory.toString()).join();
        return sealed.isEmpty() ? Optional.empty()
                : Optional.of(StoredForm.openKeyPair(cipher, sealed.get(), directory.toString()));
    }

    @Override
    public KeyPair saveAccountKey(URI directory, KeyPair key) throws Exception {
        byte[] stored = repository.saveAccountKey(directory.toString(),
                StoredForm.sealKeyPair(cipher, key, directory.toString())).join();
        return StoredForm.openKeyPair(cipher, stored, directory.toString());
    }

    @Override
    public List<IssuedCertificate> certificates() throws Exception {
        List<IssuedCertificate> issued = new ArrayList<>();
        for (StoredCertificate stored : repository.all().join()) {
            issued.add(new IssuedCertificate(stored.name(), stored.domains(), StoredForm.readChain(stored.chainPem()),
                    StoredForm.openKeyPair(cipher, stored.sealedKey(), stored.name())));
        }
        return issued;
    }

    @Override
    public void save(IssuedCertificate certificate) throws Exception {
        repository.save(new StoredCertificate(certificate.name(), certificate.domains(),
                StoredForm.chainPem(certificate.chain()),
                StoredForm.sealKeyPair(cipher, certificate.keyPair(), certificate.name()),
                certificate.notBefore(), certificate.notAfter())).join();
    }

    @Override
    public List<AcmeRequest> requests() {
        return repository.requests().join();
    }

    @Override
    public AcmeRequest request(String name, String origin) {
        return repository.request(name, origin).join();
    }

    @Override
    public boolean delete(String name) {
        return repository.delete(name).join();
    }

    @Override
    public <T> T exclusively(Callable<T> work) throws Exception {
        return repository.exclusively(work);
    }

    /** By NOTIFY: the CA's request may reach any node behind the name. */
    @Override
    public void shareHttp01(String keyAuthorization) {
        repository.announceHttp01(keyAuthorization).join();
    }

    @Override
    public void withdrawHttp01(String token) {
        repository.withdrawHttp01(token).join();
    }
}
