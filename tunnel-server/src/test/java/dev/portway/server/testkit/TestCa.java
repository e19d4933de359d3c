package dev.portway.server.testkit;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A certificate authority made on the spot, issuing server certificates for the DNS names a test asks for. */
public final class TestCa {
    private static final AtomicLong SERIAL = new AtomicLong(1);
    private static final int SOCKET_TIMEOUT_MILLIS = 20_000;

    /** A certificate and its key, as a server would be configured with them. */
    public record Issued(X509Certificate cert, PrivateKey key) {
        /** Writes {@code <name>.crt} and {@code <name>.key} (PKCS#8) as PEM into {@code dir}. */
        public PemFiles written(Path dir, String name) throws Exception {
            Path certFile = Files.writeString(dir.resolve(name + ".crt"), pem(cert));
            Path keyFile = Files.writeString(dir.resolve(name + ".key"), pem(new JcaPKCS8Generator(key, null)));
            return new PemFiles(certFile, keyFile);
        }
    }

    public record PemFiles(Path cert, Path key) {
    }

    private final X509Certificate cert;
    private final PrivateKey key;

    private TestCa(X509Certificate cert, PrivateKey key) {
        this.cert = cert;
        this.key = key;
    }

    public static TestCa create(String name) throws Exception {
        KeyPair pair = ecKey();
        X500Name subject = new X500Name("CN=" + name);
        JcaX509v3CertificateBuilder b = builder(subject, subject, pair);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new TestCa(sign(b, pair.getPrivate()), pair.getPrivate());
    }

    public X509Certificate cert() {
        return cert;
    }

    /** A server certificate for {@code dnsNames} (wildcards allowed), signed by this CA. */
    public Issued issue(String... dnsNames) throws Exception {
        KeyPair pair = ecKey();
        JcaX509v3CertificateBuilder b = builder(new X500Name(cert.getSubjectX500Principal().getName()),
                new X500Name("CN=" + dnsNames[0]), pair);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(Arrays.stream(dnsNames)
                .map(name -> new GeneralName(GeneralName.dNSName, name))
                .toArray(GeneralName[]::new)));
        return new Issued(sign(b, key), pair.getPrivate());
    }

    /**
     * A TLS connection to {@code port} on 127.0.0.1 that trusts only this CA, sending {@code sni} as the server name
     * and verifying the certificate against it; null sends no name and verifies nothing but the chain.
     */
    public SSLSocket connect(int port, String sni) throws Exception {
        return connect(trusting(cert), port, sni);
    }

    /** A client context that trusts {@code root} only. */
    public static SSLContext trusting(X509Certificate root) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", root);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** Like {@link #connect(int, String)}, trusting what {@code context} trusts. */
    public static SSLSocket connect(SSLContext context, int port, String sni) throws Exception {
        Socket plain = new Socket("127.0.0.1", port);
        plain.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain,
                sni == null ? "127.0.0.1" : sni, plain.getPort(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        if (sni != null) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        socket.setSSLParameters(parameters);
        try {
            socket.startHandshake();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    /** Writes this CA's certificate as PEM to {@code file}, for a program that is to trust it. */
    public Path writeCert(Path file) throws Exception {
        return Files.writeString(file, pem(cert));
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.getAndIncrement()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                pair.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    private static String pem(Object object) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
