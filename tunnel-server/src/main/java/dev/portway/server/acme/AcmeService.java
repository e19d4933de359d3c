package dev.portway.server.acme;

import dev.portway.monitor.TunnelMetrics;
import dev.portway.monitor.events.EventJournal;
import dev.portway.monitor.events.EventPayload;
import dev.portway.server.config.AcmeConfig;
import dev.portway.storage.certificates.AcmeRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a certificate for every wanted name: those of {@code https.acme.domains}, those an operator requested through
 * the admin API, and the custom domains of http tunnels (with {@code https.acme.onDemand}). Serves the stored
 * certificates, orders the missing ones and renews each when {@link RenewalTimes} says. Orders run under the store's
 * lock, and a node that gets the lock after another has ordered finds that certificate stored and serves it. A
 * tunnel's custom domain is probed ({@link DomainProbe}) before each of its orders.
 *
 * <p>A failed order (or probe) keeps the certificate in service and is tried again after the delay of
 * {@link OrderBackoff}: {@link #FIRST_RETRY} doubling up to {@code checkInterval} for configured and requested names,
 * {@link #TUNNEL_BACKOFF} for tunnels' names; after the CA's Retry-After when it answers with a rate limit. Failed
 * orders are counted, shown as the certificate's renewal failures (which the {@code PortwayCertificate} alert reads)
 * and, at the first failure in a row, announced on the event stream.
 *
 * <p>Threading: everything runs on the one thread of {@code thread}, which its owner shuts down; the public methods
 * hand their work to it.
 */
public final class AcmeService {
    private static final Logger log = LoggerFactory.getLogger(AcmeService.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(10);
    /** A tunnel's name that does not reach the server is tried a few times in the first hours, then every 6 hours. */
    static final OrderBackoff.Policy TUNNEL_BACKOFF = new OrderBackoff.Policy(Duration.ofMinutes(1),
            Duration.ofHours(6));
    /** The origin of a name of {@code https.acme.domains}. */
    public static final String CONFIGURED = "config";

    /**
     * A name this node keeps a certificate for, for the admin API.
     *
     * @param origin    {@link #CONFIGURED}, {@link AcmeRequest#API} or {@link AcmeRequest#TUNNEL}
     * @param lastError why its last order or probe failed; null when it did not
     * @param retryAt   when it is tried again after failures; null when it is not failing
     */
    public record Wanted(String name, String origin, String lastError, Instant retryAt) {
    }

    private final AcmeConfig config;
    private final CertificateStore store;
    private final AcmeOrders orders;
    private final AcmeCertificates served;
    private final DomainProbe probe;
    private final RenewalTimes renewalTimes;
    private final ScheduledExecutorService thread;
    private final Clock clock;
    private final TunnelMetrics metrics;
    /** The event stream; null when no meters are kept. */
    private final EventJournal events;
    private final OrderBackoff backoff = new OrderBackoff();
    /** Why the last order of a domain failed, while it keeps failing. */
    private final Map<String, String> lastErrors = new ConcurrentHashMap<>();
    /** The wanted names and their origins, as last read. */
    private Map<String, String> origins = Map.of();
    private volatile List<Wanted> wantedView = List.of();
    private ScheduledFuture<?> nextCheck;

    /** @param events where issued certificates and failing renewals are announced; null: nowhere */
    public AcmeService(AcmeConfig config, CertificateStore store, AcmeOrders orders, AcmeCertificates served,
                       DomainProbe probe, ScheduledExecutorService thread, Clock clock, TunnelMetrics metrics,
                       EventJournal events) {
        this.metrics = metrics;
        this.events = events;
        this.config = config;
        this.store = store;
        this.orders = orders;
        this.served = served;
        this.probe = probe;
        this.renewalTimes = new RenewalTimes(orders::renewalWindow);
        this.thread = thread;
        this.clock = clock;
        this.origins = configured();
    }

    /** Serves what is stored now (before the https listener takes connections), then checks on the thread. */
    public void start() throws Exception {
        syncStored();
        thread.execute(this::checkNow);
    }

    /** Another node (or this one) stored, deleted or requested a certificate: read the store again and check. */
    public void storeChanged() {
        thread.execute(this::checkNow);
    }

    /**
     * Records a request for {@code name} (nothing changes when it is wanted already) and orders it soon; completes
     * with the name as wanted now, before the order.
     */
    public CompletableFuture<Wanted> request(String name, String origin) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                AcmeRequest request = store.request(name, origin);
                Map<String, String> next = new LinkedHashMap<>(origins);
                next.putIfAbsent(name, request.origin());
                origins = next;
                publishView();
                thread.execute(this::checkNow);
                return wanted(name).orElseThrow();
            } catch (Exception e) {
                throw new IllegalStateException("certificate request for " + name + " not stored: " + e, e);
            }
        }, thread);
    }

    /**
     * A custom domain of an http tunnel no certificate covers was opened: with {@code https.acme.onDemand}, it is
     * requested once ({@link AcmeRequest#TUNNEL}) and probed before its order.
     */
    public void customDomainOpened(String host) {
        if (!config.onDemand()) {
            return;
        }
        thread.execute(() -> {
            if (origins.containsKey(host)) {
                return;
            }
            try {
                store.request(host, AcmeRequest.TUNNEL);
                log.info("[acme domain={}] certificate wanted for a tunnel's custom domain", host);
                checkNow();
            } catch (Exception e) {
                log.warn("[acme domain={}] request for a tunnel's custom domain not stored: {}", host, e.toString());
            }
        });
    }

    /**
     * Stops serving and renewing the certificate of {@code name} and deletes it and its request from the store (so on
     * every node); completes with whether there was anything to delete. Callers refuse configured names first.
     */
    public CompletableFuture<Boolean> delete(String name) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                boolean found = store.delete(name) | served.served(name).isPresent();
                withdraw(name);
                Map<String, String> next = new LinkedHashMap<>(origins);
                next.remove(name);
                origins = next;
                backoff.succeeded(name);
                lastErrors.remove(name);
                publishView();
                log.info("[acme domain={}] certificate deleted found={}", name, found);
                return found;
            } catch (Exception e) {
                throw new IllegalStateException("certificate " + name + " not deleted: " + e, e);
            }
        }, thread);
    }

    /** The names this node keeps certificates for, with how their orders go. */
    public List<Wanted> wanted() {
        return wantedView;
    }

    public Optional<Wanted> wanted(String name) {
        return wantedView.stream().filter(w -> w.name().equals(name)).findFirst();
    }

    private void checkNow() {
        if (nextCheck != null) {
            nextCheck.cancel(false);
        }
        check();
    }

    private void check() {
        Duration next = config.checkInterval();
        try {
            Map<String, String> read = configured();
            for (AcmeRequest request : store.requests()) {
                read.putIfAbsent(request.name(), request.origin());
            }
            origins = read;
            syncStored();
        } catch (Exception e) {
            log.warn("[acme] store not read, tried again in {}: {}", FIRST_RETRY, e.toString());
            schedule(FIRST_RETRY);
            return;
        }
        for (Map.Entry<String, String> wanted : origins.entrySet()) {
            String domain = wanted.getKey();
            Instant now = clock.instant();
            Optional<Instant> waiting = backoff.waitingUntil(domain, now);
            if (waiting.isPresent()) {
                next = min(next, Duration.between(now, waiting.get()));
                continue;
            }
            Optional<Instant> renewAt = served.served(domain).map(current -> renewalTimes.renewAt(current, now));
            if (renewAt.isPresent() && now.isBefore(renewAt.get())) {
                next = min(next, Duration.between(now, renewAt.get()));
                continue;
            }
            try {
                store.exclusively(() -> {
                    // Another node may have ordered while this one waited for the lock.
                    syncStored();
                    if (due(domain)) {
                        // Under the lock: of the nodes that see the tunnel's request, one probes and orders.
                        if (AcmeRequest.TUNNEL.equals(wanted.getValue())) {
                            probe.check(domain);
                        }
                        order(domain);
                    }
                    return null;
                });
                backoff.succeeded(domain);
                lastErrors.remove(domain);
            } catch (Exception e) {
                OrderBackoff.Failing failing = failed(domain, wanted.getValue(), e);
                next = min(next, Duration.between(clock.instant(), failing.until()));
            } catch (Error e) {
                log.error("[acme domain={}] order failed", domain, e);
                throw e;
            }
        }
        publishView();
        schedule(next);
    }

    private void schedule(Duration delay) {
        nextCheck = thread.schedule(this::check, Math.max(1_000, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void order(String domain) throws Exception {
        IssuedCertificate issued = orders.order(List.of(domain));
        store.save(issued);
        serve(issued);
        metrics.acmeOrder(true);
        publish(new EventPayload.Certificate("issued", domain, issued.notAfter().toString(), null));
        log.info("[acme domain={}] certificate issued notAfter={}", domain, issued.notAfter());
    }

    private boolean due(String domain) {
        Instant now = clock.instant();
        return served.served(domain).map(current -> !now.isBefore(renewalTimes.renewAt(current, now))).orElse(true);
    }

    private OrderBackoff.Failing failed(String domain, String origin, Exception e) {
        OrderBackoff.Policy policy = AcmeRequest.TUNNEL.equals(origin) ? TUNNEL_BACKOFF
                : new OrderBackoff.Policy(FIRST_RETRY, config.checkInterval());
        OrderBackoff.Failing failing = backoff.failed(domain, policy, e, clock.instant());
        String error = e instanceof DomainProbe.ProbeFailedException ? e.getMessage() : e.toString();
        lastErrors.put(domain, error);
        if (e instanceof DomainProbe.ProbeFailedException) {
            // Nothing reached the CA: no order to count, and the user's DNS, not the server, is at fault.
            log.info("[acme domain={}] not ordered failures={} retryAt={}: {}", domain, failing.failures(),
                    failing.until(), error);
            return failing;
        }
        metrics.acmeOrder(false);
        Optional<IssuedCertificate> inService = served.served(domain);
        inService.ifPresent(current -> metrics.certificate(domain, current.notAfter(), failing.failures()));
        if (failing.failures() == 1) {
            publish(new EventPayload.Certificate("renewal_failing", domain,
                    inService.map(current -> current.notAfter().toString()).orElse(null), error));
        }
        log.warn("[acme domain={}] order failed failures={} retryAt={}: {}", domain, failing.failures(),
                failing.until(), error);
        return failing;
    }

    /** Serves every stored certificate newer than the one in service, and stops serving those no longer stored. */
    private void syncStored() throws Exception {
        Set<String> stored = new HashSet<>();
        for (IssuedCertificate certificate : store.certificates()) {
            stored.add(certificate.name());
            IssuedCertificate current = served.served(certificate.name()).orElse(null);
            if (current == null || certificate.notAfter().isAfter(current.notAfter())) {
                serve(certificate);
            }
        }
        for (IssuedCertificate current : served.all()) {
            if (!stored.contains(current.name())) {
                withdraw(current.name());
                log.info("[acme domain={}] certificate no longer stored: not served any more", current.name());
            }
        }
    }

    private void serve(IssuedCertificate certificate) throws SSLException {
        served.serve(certificate);
        metrics.certificate(certificate.name(), certificate.notAfter(), 0);
    }

    private void withdraw(String name) {
        served.withdraw(name);
        metrics.certificateGone(name);
    }

    private Map<String, String> configured() {
        Map<String, String> names = new LinkedHashMap<>();
        config.domains().forEach(domain -> names.put(domain, CONFIGURED));
        return names;
    }

    private void publishView() {
        List<Wanted> view = new ArrayList<>();
        origins.forEach((name, origin) -> view.add(new Wanted(name, origin, lastErrors.get(name),
                backoff.state(name).map(OrderBackoff.Failing::until).orElse(null))));
        wantedView = List.copyOf(view);
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
