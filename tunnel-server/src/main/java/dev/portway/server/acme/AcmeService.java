package dev.portway.server.acme;

import dev.portway.monitor.TunnelMetrics;
import dev.portway.monitor.events.EventJournal;
import dev.portway.monitor.events.EventPayload;
import dev.portway.server.config.AcmeConfig;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a certificate for every name of {@code https.acme.domains}: serves the stored ones at start, orders the
 * missing ones, and renews each once two thirds of its lifetime have passed. Orders run under the store's lock, and
 * a node that gets the lock after another has ordered finds that certificate stored and serves it. A failed order
 * keeps the certificate in service and is tried again with a growing delay, or after the CA's Retry-After; it is
 * counted, shown as the certificate's renewal failures (which the {@code PortwayCertificate} alert reads) and, at the
 * first failure in a row, announced on the event stream.
 *
 * <p>Threading: everything runs on the one thread of {@code thread}, which its owner shuts down.
 */
public final class AcmeService {
    private static final Logger log = LoggerFactory.getLogger(AcmeService.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(10);

    private final AcmeConfig config;
    private final CertificateStore store;
    private final AcmeOrders orders;
    private final AcmeCertificates served;
    private final ScheduledExecutorService thread;
    private final Clock clock;
    private final TunnelMetrics metrics;
    /** The event stream; null when no meters are kept. */
    private final EventJournal events;
    /** Per domain: the failures in a row, and when it may be tried again. */
    private final Map<String, Backoff> failing = new HashMap<>();
    /** Why the last order of a domain failed, while it keeps failing; read by the admin API's thread. */
    private final Map<String, String> lastErrors = new ConcurrentHashMap<>();

    private record Backoff(int failures, Instant until) {
    }

    /** @param events where issued certificates and failing renewals are announced; null: nowhere */
    public AcmeService(AcmeConfig config, CertificateStore store, AcmeOrders orders, AcmeCertificates served,
                       ScheduledExecutorService thread, Clock clock, TunnelMetrics metrics, EventJournal events) {
        this.metrics = metrics;
        this.events = events;
        this.config = config;
        this.store = store;
        this.orders = orders;
        this.served = served;
        this.thread = thread;
        this.clock = clock;
    }

    /** Serves what is stored now (before the https listener takes connections), then checks on the thread. */
    public void start() throws Exception {
        serveStored();
        thread.execute(this::check);
    }

    private void check() {
        Duration next = config.checkInterval();
        for (String domain : config.domains()) {
            Backoff backoff = failing.get(domain);
            Instant now = clock.instant();
            if (backoff != null && now.isBefore(backoff.until())) {
                next = min(next, Duration.between(now, backoff.until()));
                continue;
            }
            if (!due(domain, now)) {
                continue;
            }
            try {
                store.exclusively(() -> {
                    // Another node may have ordered while this one waited for the lock.
                    serveStored();
                    if (due(domain, clock.instant())) {
                        IssuedCertificate issued = orders.order(List.of(domain));
                        store.save(issued);
                        serve(issued);
                        metrics.acmeOrder(true);
                        publish(new EventPayload.Certificate("issued", domain, issued.notAfter().toString(), null));
                        log.info("[acme domain={}] certificate issued notAfter={}", domain, issued.notAfter());
                    }
                    return null;
                });
                failing.remove(domain);
                lastErrors.remove(domain);
            } catch (Exception e) {
                Backoff failed = failed(domain, e);
                next = min(next, Duration.between(clock.instant(), failed.until()));
            } catch (Error e) {
                log.error("[acme domain={}] order failed", domain, e);
                throw e;
            }
        }
        thread.schedule(this::check, Math.max(1, next.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Why the orders of {@code domain} are failing; empty when the last one did not fail. */
    public Optional<String> lastError(String domain) {
        return Optional.ofNullable(lastErrors.get(domain));
    }

    private boolean due(String domain, Instant now) {
        return served.served(domain).map(certificate -> !now.isBefore(certificate.renewAt())).orElse(true);
    }

    private Backoff failed(String domain, Exception e) {
        int failures = failing.containsKey(domain) ? failing.get(domain).failures() + 1 : 1;
        Duration delay = min(FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 20)), config.checkInterval());
        Instant until = clock.instant().plus(delay);
        if (e instanceof AcmeRateLimitedException limited && limited.getRetryAfter().isPresent()) {
            until = limited.getRetryAfter().get();
        }
        Backoff backoff = new Backoff(failures, until);
        failing.put(domain, backoff);
        lastErrors.put(domain, e.toString());
        metrics.acmeOrder(false);
        Optional<IssuedCertificate> inService = served.served(domain);
        inService.ifPresent(current -> metrics.certificate(domain, current.notAfter(), failures));
        if (failures == 1) {
            publish(new EventPayload.Certificate("renewal_failing", domain,
                    inService.map(current -> current.notAfter().toString()).orElse(null), e.toString()));
        }
        log.warn("[acme domain={}] order failed failures={} retryAt={}: {}", domain, failures, until, e.toString());
        return backoff;
    }

    private void serveStored() throws Exception {
        for (IssuedCertificate stored : store.certificates()) {
            IssuedCertificate current = served.served(stored.name()).orElse(null);
            if (current == null || stored.notAfter().isAfter(current.notAfter())) {
                serve(stored);
            }
        }
    }

    private void serve(IssuedCertificate certificate) throws SSLException {
        served.serve(certificate);
        metrics.certificate(certificate.name(), certificate.notAfter(), 0);
    }

    private void publish(EventPayload payload) {
        if (events != null) {
            events.publish(payload);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
