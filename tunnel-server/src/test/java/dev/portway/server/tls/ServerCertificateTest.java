package dev.portway.server.tls;

import dev.portway.server.config.ServerConfig;
import dev.portway.server.config.ServerTlsConfig;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerCertificateTest {
    @TempDir
    Path dataDir;

    @Test
    void firstStartGeneratesAndLaterStartsReuseTheSameCertificate() throws Exception {
        ServerCertificate first = ServerCertificate.loadOrGenerate(dataDir);
        Path tls = dataDir.resolve("tls");
        byte[] certBytes = Files.readAllBytes(tls.resolve("server.crt"));
        byte[] keyBytes = Files.readAllBytes(tls.resolve("server.key"));

        ServerCertificate second = ServerCertificate.loadOrGenerate(dataDir);
        assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
        assertThat(second.leaf()).isEqualTo(first.leaf());
        // The same key; its encoding may differ by provider (Bouncy Castle's, once the ACME code registered it, adds
        // the curve's parameters), so the secret itself is compared.
        assertThat(((java.security.interfaces.ECPrivateKey) second.privateKey()).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) first.privateKey()).getS());
        assertThat(Files.readAllBytes(tls.resolve("server.crt"))).isEqualTo(certBytes);
        assertThat(Files.readAllBytes(tls.resolve("server.key"))).isEqualTo(keyBytes);
        assertThat(second.selfSigned()).isTrue();
        try (var files = Files.list(tls)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("server.crt", "server.key");
        }
    }

    @Test
    void keyFileIsReadableByTheOwnerOnly() throws Exception {
        ServerCertificate.loadOrGenerate(dataDir);
        Path tls = dataDir.resolve("tls");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve("server.key"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls))).isEqualTo("rwx------");
        assertThat(Files.readString(tls.resolve("server.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void generatedCertificateIsForPortwayOnLocalhostForTenYears() throws Exception {
        ServerCertificate c = ServerCertificate.loadOrGenerate(dataDir);
        assertThat(c.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=portway");
        assertThat(c.leaf().getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))))
                .containsExactlyInAnyOrder("localhost", "127.0.0.1");
        long days = (c.leaf().getNotAfter().getTime() - System.currentTimeMillis()) / 86_400_000L;
        assertThat(days).isBetween(3640L, 3650L);
        assertThat(c.privateKey().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void fingerprintIsSha256OfTheLeafDerInLowercaseHex() throws Exception {
        ServerCertificate c = ServerCertificate.generateSelfSigned();
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.leaf().getEncoded()));
        assertThat(c.fingerprint()).isEqualTo("sha256:" + expected).matches("sha256:[0-9a-f]{64}");
    }

    @Test
    void oneFileWithoutTheOtherIsRefusedNotOverwritten() throws Exception {
        ServerCertificate.loadOrGenerate(dataDir);
        Path key = dataDir.resolve("tls/server.key");
        Files.delete(key);
        assertThatThrownBy(() -> ServerCertificate.loadOrGenerate(dataDir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("server.crt").hasMessageContaining("server.key");
        assertThat(key).doesNotExist();
    }

    @Test
    void loadsConfiguredFilesWithPkcs1RsaAndSec1EcKeys() throws Exception {
        ServerCertificate generated = ServerCertificate.generateSelfSigned();
        Path cert = write("chain.pem", generated.leaf());
        // SEC1 "EC PRIVATE KEY" naming its curve and, as OpenSSL allows, without the optional public key.
        PrivateKeyInfo pkcs8 = PrivateKeyInfo.getInstance(generated.privateKey().getEncoded());
        ECPrivateKey inner = ECPrivateKey.getInstance(pkcs8.parsePrivateKey());
        ECPrivateKey sec1 = new ECPrivateKey(256, inner.getKey(), pkcs8.getPrivateKeyAlgorithm().getParameters());
        Path ecKey = write("ec.key", new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        assertThat(Files.readString(ecKey)).startsWith("-----BEGIN EC PRIVATE KEY-----");
        ServerCertificate loaded = ServerCertificate.load(cert, ecKey);
        assertThat(loaded.fingerprint()).isEqualTo(generated.fingerprint());
        assertThat(((java.security.interfaces.ECPrivateKey) loaded.privateKey()).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) generated.privateKey()).getS());
        assertThat(loaded.selfSigned()).isFalse();

        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair rsaPair = rsa.generateKeyPair();
        Path rsaKey = write("rsa.key", rsaPair);
        assertThat(Files.readString(rsaKey)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(ServerCertificate.load(cert, rsaKey).privateKey().getAlgorithm()).isEqualTo("RSA");

        ServerConfig config = ServerConfig.defaults().withDataDir(dataDir);
        config = config.withTls(new ServerTlsConfig(cert, ecKey));
        assertThat(ServerCertificate.fromConfig(config).fingerprint()).isEqualTo(generated.fingerprint());
        assertThat(dataDir.resolve("tls")).doesNotExist();
    }

    @Test
    void fileWithoutAKeyIsReported() throws Exception {
        Path cert = write("chain.pem", ServerCertificate.generateSelfSigned().leaf());
        assertThatThrownBy(() -> ServerCertificate.load(cert, cert))
                .hasMessageContaining("no PEM private key found in " + cert);
    }

    private Path write(String name, Object pemObject) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(pemObject);
        }
        return Files.writeString(dataDir.resolve(name), out.toString());
    }
}
