package dev.portway.server.acme;

import dev.portway.protocol.control.HostPatterns;
import dev.portway.server.http.WellKnownAnswers;
import dev.portway.server.https.ChallengeCertificates;
import io.netty.handler.ssl.SslContext;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answers of ACME validations in progress, set by the order before it asks the CA to validate and removed once
 * the CA has: HTTP-01 key authorizations by token for the plain HTTP listener, TLS-ALPN-01 contexts by host name for
 * the https listener. A token is random and unguessable, so an HTTP-01 answer is given for any host.
 *
 * <p>Threading: written by the ordering thread, read on event loops.
 */
public final class PendingChallenges implements WellKnownAnswers, ChallengeCertificates {
    static final String HTTP_01_PREFIX = "/.well-known/acme-challenge/";

    private final Map<String, String> keyAuthorizations = new ConcurrentHashMap<>();
    private final Map<String, SslContext> alpnContexts = new ConcurrentHashMap<>();

    void answerHttp01(String token, String keyAuthorization) {
        keyAuthorizations.put(token, keyAuthorization);
    }

    void withdrawHttp01(String token) {
        keyAuthorizations.remove(token);
    }

    /**
     * An HTTP-01 answer another node shared ({@link CertificateStore#shareHttp01}): {@code +<key authorization>} to
     * serve, {@code -<token>} to withdraw. Anything else is ignored.
     */
    public void shared(String change) {
        if (change.startsWith("+") && change.indexOf('.') > 1) {
            answerHttp01(change.substring(1, change.indexOf('.')), change.substring(1));
        } else if (change.startsWith("-") && change.length() > 1) {
            withdrawHttp01(change.substring(1));
        }
    }

    void answerTlsAlpn01(String host, SslContext context) {
        alpnContexts.put(HostPatterns.normalize(host), context);
    }

    void withdrawTlsAlpn01(String host) {
        alpnContexts.remove(HostPatterns.normalize(host));
    }

    @Override
    public Optional<String> answer(String host, String path) {
        if (!path.startsWith(HTTP_01_PREFIX)) {
            return Optional.empty();
        }
        return Optional.ofNullable(keyAuthorizations.get(path.substring(HTTP_01_PREFIX.length())));
    }

    @Override
    public Optional<SslContext> contextFor(String host) {
        return Optional.ofNullable(alpnContexts.get(host));
    }
}
