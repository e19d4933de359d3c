package dev.portway.server.acme;

import dev.portway.server.backup.PrivateFile;
import dev.portway.storage.certificates.AcmeRequest;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store without a database ({@code database.enabled: false}): under {@code <dataDir>/acme}, a folder only the
 * server's user may enter, every file mode 0600. {@code <name>.crt} holds a certificate's chain, {@code <name>.key}
 * its encrypted key pair; {@code account-<hash>.key} the account key of one directory. A file lock on
 * {@code order.lock} keeps two processes of one data folder from ordering at once. Requests live in memory: without a
 * database there is no admin API to make them, and a tunnel asks again for its custom domain when it registers after
 * a restart.
 */
public final class FileCertificateStore implements CertificateStore {
    private static final String CERT_SUFFIX = ".crt";
    private static final String KEY_SUFFIX = ".key";

    private final Path dir;
    private final StorageCipher cipher;
    private final Map<String, AcmeRequest> requests = new ConcurrentHashMap<>();

    private FileCertificateStore(Path dir, StorageCipher cipher) {
        this.dir = dir;
        this.cipher = cipher;
    }

    public static FileCertificateStore open(Path dir, StorageCipher cipher) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return new FileCertificateStore(dir, cipher);
    }

    @Override
    public Optional<KeyPair> accountKey(URI directory) throws Exception {
        Path file = dir.resolve(accountFile(directory));
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(StoredForm.openKeyPair(cipher, Files.readAllBytes(file), directory.toString()));
    }

    @Override
    public KeyPair saveAccountKey(URI directory, KeyPair key) throws Exception {
        // Called under the order lock, after accountKey found none: nothing else writes this file meanwhile.
        write(dir.resolve(accountFile(directory)), StoredForm.sealKeyPair(cipher, key, directory.toString()));
        return key;
    }

    @Override
    public List<IssuedCertificate> certificates() throws Exception {
        List<IssuedCertificate> stored = new ArrayList<>();
        try (DirectoryStream<Path> chains = Files.newDirectoryStream(dir, "*" + CERT_SUFFIX)) {
            for (Path chainFile : chains) {
                String file = chainFile.getFileName().toString();
                String name = file.substring(0, file.length() - CERT_SUFFIX.length());
                Path keyFile = dir.resolve(name + KEY_SUFFIX);
                if (Files.exists(keyFile)) {
                    stored.add(new IssuedCertificate(name, List.of(name),
                            StoredForm.readChain(Files.readString(chainFile, StandardCharsets.US_ASCII)),
                            StoredForm.openKeyPair(cipher, Files.readAllBytes(keyFile), name)));
                }
            }
        }
        return stored;
    }

    @Override
    public void save(IssuedCertificate certificate) throws Exception {
        // The key first: a chain without its key is not read back, a key without its chain is replaced next time.
        write(dir.resolve(certificate.name() + KEY_SUFFIX),
                StoredForm.sealKeyPair(cipher, certificate.keyPair(), certificate.name()));
        write(dir.resolve(certificate.name() + CERT_SUFFIX),
                StoredForm.chainPem(certificate.chain()).getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public List<AcmeRequest> requests() {
        return List.copyOf(requests.values());
    }

    @Override
    public AcmeRequest request(String name, String origin) {
        return requests.computeIfAbsent(name, n -> new AcmeRequest(n, origin, Instant.now()));
    }

    @Override
    public boolean delete(String name) throws IOException {
        boolean requested = requests.remove(name) != null;
        boolean stored = Files.deleteIfExists(dir.resolve(name + CERT_SUFFIX));
        return Files.deleteIfExists(dir.resolve(name + KEY_SUFFIX)) || stored || requested;
    }

    @Override
    public <T> T exclusively(Callable<T> work) throws Exception {
        try (FileChannel channel = FileChannel.open(dir.resolve("order.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
            return work.call();
        }
    }

    private static String accountFile(URI directory) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(directory.toString().getBytes(StandardCharsets.UTF_8));
        return "account-" + HexFormat.of().formatHex(hash, 0, 8) + KEY_SUFFIX;
    }

    private static void write(Path file, byte[] content) throws Exception {
        PrivateFile.write(file, out -> {
            out.write(content);
            return null;
        });
    }
}
