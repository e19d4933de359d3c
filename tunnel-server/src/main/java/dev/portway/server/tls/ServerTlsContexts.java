package dev.portway.server.tls;

import dev.portway.protocol.tls.TlsProviders;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.security.cert.X509Certificate;

/** Builds the server's {@link SslContext}s once at start; handlers are then made per connection from them. */
public final class ServerTlsContexts {

    private ServerTlsContexts() {
    }

    /** TLS 1.3 only, for the control listener that clients dial. */
    public static SslContext forControl(ServerCertificate certificate) throws SSLException {
        return SslContextBuilder.forServer(certificate.privateKey(), certificate.chain().toArray(new X509Certificate[0]))
                .sslProvider(TlsProviders.choose("control listener"))
                .protocols(TlsProviders.TLS_13)
                .clientAuth(ClientAuth.NONE)
                .build();
    }
}
