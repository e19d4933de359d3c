package dev.portway.protocol.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one TLS provider choice shared by client and server: BoringSSL through netty-tcnative when its native library
 * loads, the JDK's engine otherwise. Both speak TLS 1.3 only on the tunnel connection.
 */
public final class TlsProviders {
    public static final String TLS_13 = "TLSv1.3";
    private static final Logger log = LoggerFactory.getLogger(TlsProviders.class);

    private TlsProviders() {
    }

    /** Chooses the provider and logs the choice; called once per context, at start. */
    public static SslProvider choose(String purpose) {
        if (OpenSsl.isAvailable()) {
            log.debug("[tls] {}: using the OpenSSL provider ({})", purpose, OpenSsl.versionString());
            return SslProvider.OPENSSL;
        }
        Throwable cause = OpenSsl.unavailabilityCause();
        log.warn("[tls] {}: OpenSSL provider unavailable ({}); falling back to the JDK provider", purpose,
                cause == null ? "unknown cause" : cause.toString());
        log.info("[tls] {}: using the JDK provider", purpose);
        return SslProvider.JDK;
    }
}
