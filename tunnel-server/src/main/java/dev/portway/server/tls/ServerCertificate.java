package dev.portway.server.tls;

import dev.portway.protocol.tls.CertificateFingerprint;
import dev.portway.server.config.ServerConfig;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * The control listener's certificate chain and private key: loaded from configured PEM files, or generated
 * self-signed on first start and kept in {@code <dataDir>/tls/} so that its fingerprint — which clients pin — stays
 * the same across restarts. Immutable; build it once at start.
 */
public final class ServerCertificate {
    public static final String TLS_DIR = "tls";
    public static final String CERT_FILE = "server.crt";
    public static final String KEY_FILE = "server.key";
    private static final Duration VALIDITY = Duration.ofDays(3650);
    private static final Logger log = LoggerFactory.getLogger(ServerCertificate.class);

    private final List<X509Certificate> chain;
    private final PrivateKey privateKey;
    private final boolean selfSigned;
    private final String fingerprint;

    private ServerCertificate(List<X509Certificate> chain, PrivateKey privateKey, boolean selfSigned) {
        this.chain = List.copyOf(chain);
        this.privateKey = privateKey;
        this.selfSigned = selfSigned;
        this.fingerprint = CertificateFingerprint.of(chain.get(0));
    }

    /** Configured files when {@code config.tls()} names them, otherwise the generated certificate in the data dir. */
    public static ServerCertificate fromConfig(ServerConfig config) throws IOException, GeneralSecurityException {
        if (config.tls().configured()) {
            return load(config.tls().cert(), config.tls().key());
        }
        return loadOrGenerate(config.dataDir());
    }

    /** Loads a PEM certificate chain (leaf first) and a PKCS#8, PKCS#1 (RSA) or SEC1 (EC) private key. */
    public static ServerCertificate load(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = readCertificates(certFile);
        PrivateKey key = readPrivateKey(keyFile);
        return new ServerCertificate(chain, key, false);
    }

    /**
     * Reuses {@code <dataDir>/tls/server.crt} and {@code server.key}, or generates them when neither exists. One
     * without the other is refused rather than overwritten: a lost key would silently change the pinned fingerprint.
     */
    public static ServerCertificate loadOrGenerate(Path dataDir) throws IOException, GeneralSecurityException {
        Path dir = dataDir.resolve(TLS_DIR);
        Path certFile = dir.resolve(CERT_FILE);
        Path keyFile = dir.resolve(KEY_FILE);
        boolean haveCert = Files.exists(certFile);
        boolean haveKey = Files.exists(keyFile);
        if (haveCert && haveKey) {
            ServerCertificate existing = new ServerCertificate(readCertificates(certFile), readPrivateKey(keyFile), true);
            log.info("[tls] using the self-signed certificate in {}, fingerprint {}", dir, existing.fingerprint());
            return existing;
        }
        if (haveCert || haveKey) {
            throw new IOException("found " + (haveCert ? certFile : keyFile) + " without "
                    + (haveCert ? keyFile : certFile) + "; restore it or remove both to generate a new certificate");
        }
        ServerCertificate generated = generateSelfSigned();
        generated.write(dir, certFile, keyFile);
        log.info("[tls] generated a self-signed certificate in {}; clients pin it with fingerprint {}", dir,
                generated.fingerprint());
        return generated;
    }

    /** A new EC P-256 key with a self-signed certificate for CN=portway, valid for localhost and 127.0.0.1. */
    public static ServerCertificate generateSelfSigned() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=portway");
        Instant now = Instant.now();
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(127, new SecureRandom()).add(BigInteger.ONE),
                    // Backdated a day so that a peer with a slightly slow clock still accepts it.
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), name, pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                    .build(pair.getPrivate()));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
            return new ServerCertificate(List.of(cert), pair.getPrivate(), true);
        } catch (IOException | OperatorCreationException e) {
            throw new GeneralSecurityException("cannot build the self-signed certificate", e);
        }
    }

    private void write(Path dir, Path certFile, Path keyFile) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (posix) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
        StringWriter keyPem = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(keyPem)) {
            pem.writeObject(new JcaPKCS8Generator(privateKey, null));
        }
        StringWriter certPem = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(certPem)) {
            for (X509Certificate c : chain) {
                pem.writeObject(c);
            }
        }
        // The key first: a crash in between leaves a key without a certificate, which the next start reports.
        writeAtomically(keyFile, keyPem.toString(), posix, "rw-------");
        writeAtomically(certFile, certPem.toString(), posix, "rw-r--r--");
    }

    private static void writeAtomically(Path target, String content, boolean posix, String mode) throws IOException {
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))}
                : new FileAttribute<?>[0];
        // Created with its final mode, so the key is never readable by others, not even for a moment.
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp", attrs);
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
                w.write(content);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The PEM certificates in {@code file}, leaf first; fails when there is none. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> certs = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    certs.add(converter.getCertificate(holder));
                }
            }
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("no PEM certificate found in " + file);
        }
        return certs;
    }

    /** The first PEM private key in {@code file}; fails when there is none or it is encrypted. */
    public static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    // Only the private part: SEC1 EC keys may omit the public key, and the pair conversion needs it.
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof org.bouncycastle.openssl.PEMEncryptedKeyPair) {
                    throw new GeneralSecurityException("the private key in " + file
                            + " is encrypted; give the server an unencrypted key file readable only by it");
                }
            }
        }
        throw new GeneralSecurityException("no PEM private key found in " + file);
    }

    /** {@code sha256:<64 lowercase hex>} of the leaf certificate. */
    public String fingerprint() {
        return fingerprint;
    }

    /** Leaf first. */
    public List<X509Certificate> chain() {
        return chain;
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    /** Whether this is the generated certificate (clients must pin its fingerprint) rather than a configured one. */
    public boolean selfSigned() {
        return selfSigned;
    }

    @Override
    public String toString() {
        return "ServerCertificate[" + Objects.toString(leaf().getSubjectX500Principal()) + ", " + fingerprint + "]";
    }
}
