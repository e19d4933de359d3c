package dev.portway.server.acme;

import dev.portway.server.config.AcmeConfig;
import dev.portway.server.https.ChallengeCertificates;
import dev.portway.server.https.ConfiguredCertificates;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.RenewalInfo;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.util.KeyPairUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.security.KeyPair;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Orders one certificate from the CA of {@code https.acme} (RFC 8555): logs in with the stored account key (made and
 * stored on first use), creates the order, answers each pending authorization with the first configured challenge
 * the CA offers through {@link PendingChallenges}, finalizes with a new key and downloads the chain.
 *
 * <p>Threading: blocks for the whole exchange; run on the ACME thread only.
 */
public final class AcmeOrders {
    private static final Logger log = LoggerFactory.getLogger(AcmeOrders.class);
    /** How long the CA may take to validate one challenge, and to issue once finalized. */
    private static final Duration VALIDATION_TIMEOUT = Duration.ofMinutes(2);
    private static final String KEY_CURVE = "secp256r1";
    private static final int VALIDATION_RSA_BITS = 2048;

    private final AcmeConfig config;
    private final CertificateStore store;
    private final PendingChallenges challenges;
    /** Null without {@code https.acme.dnsHook}. */
    private final DnsHook dnsHook;
    private Session session;
    private Login login;

    public AcmeOrders(AcmeConfig config, CertificateStore store, PendingChallenges challenges) {
        // acme4j builds CSRs and validation certificates through Bouncy Castle's provider, asked for by name.
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
        this.config = config;
        this.store = store;
        this.challenges = challenges;
        this.dnsHook = config.dnsHook() == null ? null : new DnsHook(config.dnsHook());
    }

    /** Orders a certificate for {@code domains}; the first names it. */
    public IssuedCertificate order(List<String> domains) throws Exception {
        Login account = login();
        Order order = account.getAccount().newOrder().domains(domains).create();
        for (Authorization authorization : order.getAuthorizations()) {
            if (authorization.getStatus() != Status.VALID) {
                authorize(authorization);
            }
        }
        KeyPair domainKey = KeyPairUtils.createECKeyPair(KEY_CURVE);
        order.execute(domainKey);
        Status status = order.waitForCompletion(VALIDATION_TIMEOUT);
        if (status != Status.VALID) {
            throw new AcmeException("order ended " + status + problem(order.getError().map(Object::toString)));
        }
        return new IssuedCertificate(domains.get(0), domains, order.getCertificate().getCertificateChain(), domainKey);
    }

    /**
     * The CA's suggested renewal window of {@code leaf} (ACME Renewal Information); empty when its directory offers
     * none.
     */
    Optional<RenewalTimes.Window> renewalWindow(X509Certificate leaf) throws Exception {
        Login account = login();
        if (account.getSession().resourceUrlOptional(Resource.RENEWAL_INFO).isEmpty()) {
            return Optional.empty();
        }
        RenewalInfo info = account.bindRenewalInfo(leaf);
        Optional<Instant> retryAfter = info.fetch();
        return Optional.of(new RenewalTimes.Window(info.getSuggestedWindowStart(), info.getSuggestedWindowEnd(),
                retryAfter));
    }

    private void authorize(Authorization authorization) throws Exception {
        // A wildcard's authorization names the domain under it; its TXT record is the same as the domain's.
        String host = authorization.getIdentifier().getDomain();
        Challenge challenge = pick(authorization);
        Runnable withdraw = answer(challenge, host);
        try {
            challenge.trigger();
            Status status = challenge.waitForCompletion(VALIDATION_TIMEOUT);
            if (status != Status.VALID) {
                throw new AcmeException(challenge.getType() + " for " + host + " ended " + status
                        + problem(challenge.getError().map(Object::toString)));
            }
            log.info("[acme domain={}] validated challenge={}", host, challenge.getType());
        } finally {
            withdraw.run();
        }
    }

    /** The first of {@code https.acme.challenges} the CA offers for this name. */
    private Challenge pick(Authorization authorization) throws AcmeException {
        for (String type : config.challenges()) {
            Optional<Challenge> offered = authorization.findChallenge(type);
            if (offered.isPresent()) {
                return offered.get();
            }
        }
        throw new AcmeException("the CA offers none of " + config.challenges() + " for "
                + authorization.getIdentifier().getDomain());
    }

    /** Puts the answer where the CA will look; returns what takes it away again. */
    private Runnable answer(Challenge challenge, String host) throws Exception {
        if (challenge instanceof Http01Challenge http) {
            challenges.answerHttp01(http.getToken(), http.getAuthorization());
            store.shareHttp01(http.getAuthorization());
            return () -> {
                challenges.withdrawHttp01(http.getToken());
                try {
                    store.withdrawHttp01(http.getToken());
                } catch (Exception e) {
                    log.debug("[acme domain={}] answer not withdrawn on other nodes: {}", host, e.toString());
                }
            };
        }
        if (challenge instanceof TlsAlpn01Challenge alpn) {
            // acme4j signs the validation certificate with RSA only.
            KeyPair key = KeyPairUtils.createKeyPair(VALIDATION_RSA_BITS);
            challenges.answerTlsAlpn01(host, ConfiguredCertificates.context(key.getPrivate(),
                    List.of(alpn.createCertificate(key, Identifier.dns(host))), ChallengeCertificates.ACME_TLS_1));
            return () -> challenges.withdrawTlsAlpn01(host);
        }
        if (challenge instanceof Dns01Challenge dns && dnsHook != null) {
            String record = dns.getRRName(host);
            dnsHook.set(record, dns.getDigest());
            return () -> {
                try {
                    dnsHook.remove(record, dns.getDigest());
                } catch (AcmeException e) {
                    log.warn("[acme domain={}] TXT record left in place: {}", host, e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
        }
        throw new AcmeException("cannot answer challenge " + challenge.getType());
    }

    /** One login per server run; the account is created at the CA the first time, found again afterwards. */
    private Login login() throws Exception {
        if (login != null) {
            return login;
        }
        URI directory = config.directory();
        session = config.trustedCa() == null ? new Session(directory)
                : new Session(directory, new TrustingAcmeProvider(config.trustedCa()));
        KeyPair accountKey = store.accountKey(directory).orElse(null);
        if (accountKey == null) {
            accountKey = store.saveAccountKey(directory, KeyPairUtils.createECKeyPair(KEY_CURVE));
            log.info("[acme directory={}] new account key stored", directory);
        }
        AccountBuilder builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey);
        if (config.email() != null) {
            builder.addEmail(config.email());
        }
        if (config.eab() != null) {
            builder.withKeyIdentifier(config.eab().keyId(), config.eab().hmacKey());
        }
        login = builder.createLogin(session);
        return login;
    }

    private static String problem(Optional<String> problem) {
        return problem.map(p -> ": " + p).orElse("");
    }
}
