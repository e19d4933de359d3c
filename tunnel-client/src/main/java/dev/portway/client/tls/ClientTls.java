package dev.portway.client.tls;

import dev.portway.client.config.ClientTlsConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Optional;

/**
 * The client's TLS setup for the tunnel connection: one {@link SslContext} built at start by
 * {@link ClientTlsContexts#create}, and a fresh {@link SslHandler} per connection attempt. Thread-safe.
 */
public final class ClientTls {
    private static final Logger log = LoggerFactory.getLogger(ClientTls.class);

    private final SslContext context;
    private final ClientTlsConfig config;

    ClientTls(SslContext context, ClientTlsConfig config) {
        this.context = context;
        this.config = config;
    }

    /**
     * Why the server's certificate was refused, when that is what {@code cause} (a failed connection's) comes down to:
     * a fingerprint or CA that does not match stays wrong however often the client dials again. Both TLS providers
     * keep the trust manager's {@link CertificateException} in the handshake failure's causes.
     *
     * @return the refusal's message, or empty for any other failure
     */
    public static Optional<String> certificateRefusal(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CertificateException refused) {
                return Optional.of(refused.getMessage() == null ? refused.toString() : refused.getMessage());
            }
        }
        return Optional.empty();
    }

    public SslContext context() {
        return context;
    }

    public ClientTlsConfig config() {
        return config;
    }

    /**
     * A handler for one connection to {@code host:port} (the address dialed). The name sent as SNI, and in CA mode
     * verified against the certificate, is the configured {@code serverName}, else {@code host}.
     */
    public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
        String name = config.serverName() != null ? config.serverName() : host;
        if (config.insecure()) {
            log.warn("[tls] TLS verification is disabled (insecure: true): the connection to {}:{} is encrypted "
                    + "but anyone in the path can impersonate the server", host, port);
        }
        // The engine's peer host is what the JDK and OpenSSL engines verify the certificate against.
        SslHandler handler = context.newHandler(alloc, name, port);
        SSLEngine engine = handler.engine();
        SSLParameters params = engine.getSSLParameters();
        if (!NetUtil.isValidIpV4Address(name) && !NetUtil.isValidIpV6Address(name)) {
            params.setServerNames(List.of(new SNIHostName(name)));
        }
        if (config.ca() != null) {
            // Only a CA-issued certificate says which names it is for; a pinned fingerprint is identity enough.
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        engine.setSSLParameters(params);
        return handler;
    }
}
