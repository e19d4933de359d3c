package dev.portway.server.acme;

import org.shredzone.acme4j.util.KeyPairUtils;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** How key pairs and certificate chains are written into a store: PEM, the key pair then encrypted. */
final class StoredForm {
    private static final Base64.Encoder PEM_BASE64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

    private StoredForm() {
    }

    static byte[] sealKeyPair(StorageCipher cipher, KeyPair pair, String label)
            throws IOException, GeneralSecurityException {
        StringWriter pem = new StringWriter();
        KeyPairUtils.writeKeyPair(pair, pem);
        return cipher.encrypt(pem.toString().getBytes(StandardCharsets.US_ASCII), label);
    }

    static KeyPair openKeyPair(StorageCipher cipher, byte[] sealed, String label)
            throws IOException, GeneralSecurityException {
        String pem = new String(cipher.decrypt(sealed, label), StandardCharsets.US_ASCII);
        return KeyPairUtils.readKeyPair(new StringReader(pem));
    }

    static String chainPem(List<X509Certificate> chain) throws GeneralSecurityException {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate cert : chain) {
            pem.append("-----BEGIN CERTIFICATE-----\n")
                    .append(PEM_BASE64.encodeToString(cert.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        return pem.toString();
    }

    static List<X509Certificate> readChain(String pem) throws GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate cert : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
            chain.add((X509Certificate) cert);
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("no certificate in the stored chain");
        }
        return chain;
    }
}
