package dev.portway.monitor.micrometer;

import dev.portway.monitor.AuthFailureReason;
import dev.portway.monitor.ClusterMeters;
import dev.portway.monitor.Http2Refusal;
import dev.portway.monitor.KernelUdpDrops;
import dev.portway.monitor.MeterReadings;
import dev.portway.monitor.PublicConnectionRefusal;
import dev.portway.monitor.QuotaEvent;
import dev.portway.monitor.TunnelMetrics;
import dev.portway.monitor.TunnelTraffic;
import dev.portway.monitor.UdpDrop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.noop.NoopCounter;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * {@link TunnelMetrics} on a Micrometer registry. Every meter a hot path touches is created once and kept in a map
 * keyed by its labels, so recording is a map read at most, never a registry look-up. Meters whose labels are
 * enums exist from the start, at zero, so that rates and alerts see a series before the first event.
 *
 * <p>Names are Micrometer's dotted names; the Prometheus registry renders them as {@link MeterNames} lists. The same
 * meters are read back, without going through the registry, as {@link MeterReadings}.
 */
public final class MicrometerTunnelMetrics implements TunnelMetrics, MeterReadings {
    /** Latency buckets of HTTP requests through tunnels: 1 ms to 10 s, 1-2.5-5 per decade. */
    static final Duration[] HTTP_BUCKETS = {
            Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};
    private static final Set<String> HTTP_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE");
    /** The reason label of datagrams the kernel dropped on a full socket receive buffer ({@link KernelUdpDrops}). */
    static final String SOCKET_BUFFER = "socket_buffer";
    /** Stands in for the counters of server-only families on a client: counts nothing, is in no registry. */
    private static final Counter NOT_KEPT = new NoopCounter(
            new Meter.Id("not.kept", Tags.empty(), null, null, Meter.Type.COUNTER));

    private final MeterRegistry registry;
    /** Connected clients and their latest control RTT (NaN until the first sample). */
    private final Map<String, ClientMeters> clients = new ConcurrentHashMap<>();
    private final Counter reconnects;
    private final Map<String, TypeMeters> byType = new ConcurrentHashMap<>();
    private final Map<TunnelKey, OpenTunnel> openTunnels = new ConcurrentHashMap<>();
    private final Map<TrafficKey, TunnelTraffic> traffic = new ConcurrentHashMap<>();
    private final Counter publicAccepted;
    private final Map<PublicConnectionRefusal, Counter> publicRefused = new EnumMap<>(PublicConnectionRefusal.class);
    private final Map<Http2Refusal, Counter> http2Refused = new EnumMap<>(Http2Refusal.class);
    private final Map<AuthFailureReason, Counter> authFailures = new EnumMap<>(AuthFailureReason.class);
    private final Map<QuotaEvent, Counter> quotaEvents = new EnumMap<>(QuotaEvent.class);
    private final Map<HttpKey, Timer> httpTimers = new ConcurrentHashMap<>();
    private final AtomicInteger udpFlows = new AtomicInteger();
    private final Map<UdpDrop, Counter> udpDropped = new EnumMap<>(UdpDrop.class);
    private final KernelUdpDrops kernelDrops = new KernelUdpDrops();
    /** Certificates are few (the names of https.acme and https.certificates): one gauge pair each. */
    private final Map<String, AtomicReference<CertificateState>> certificates = new ConcurrentHashMap<>();
    private final Map<Boolean, Counter> acmeOrders = new HashMap<>();
    /** Null until the server joins a cluster. */
    private ClusterMeters cluster;

    /** A server's meters: every family. */
    public MicrometerTunnelMetrics(MeterRegistry registry) {
        this(registry, true);
    }

    /**
     * @param serverFamilies whether to keep the families only a server records (public connections, auth failures,
     *                       quota events), which exist at zero from the start; a client leaves them out, where they
     *                       would stay zero for ever
     */
    public MicrometerTunnelMetrics(MeterRegistry registry, boolean serverFamilies) {
        this.registry = registry;
        Gauge.builder(MeterNames.CLIENTS_CONNECTED, clients, Map::size)
                .description("Clients connected right now")
                .register(registry);
        reconnects = Counter.builder(MeterNames.CLIENT_RECONNECTS)
                .description("Server: connections that took over an older one of the same client; "
                        + "client: reconnect attempts")
                .register(registry);
        publicAccepted = kept(serverFamilies, publicConnections("accepted", "none"));
        for (PublicConnectionRefusal reason : PublicConnectionRefusal.values()) {
            publicRefused.put(reason, kept(serverFamilies, publicConnections("refused", reason.label())));
        }
        for (Http2Refusal reason : Http2Refusal.values()) {
            http2Refused.put(reason, kept(serverFamilies, Counter.builder(MeterNames.HTTP2_REFUSED)
                    .description("Public HTTP/2 streams and connections refused with an error code, by reason")
                    .tag("reason", reason.label())));
        }
        for (AuthFailureReason reason : AuthFailureReason.values()) {
            authFailures.put(reason, kept(serverFamilies, Counter.builder(MeterNames.AUTH_FAILURES)
                    .description("Clients refused at authentication, by reason")
                    .tag("reason", reason.label())));
        }
        Gauge.builder(MeterNames.UDP_FLOWS, udpFlows, AtomicInteger::get)
                .description("UDP flows (public peers of udp tunnels) open right now")
                .register(registry);
        for (UdpDrop reason : UdpDrop.values()) {
            udpDropped.put(reason, Counter.builder(MeterNames.UDP_DATAGRAMS_DROPPED)
                    .description("UDP datagrams dropped, by reason")
                    .tag("reason", reason.label())
                    .register(registry));
        }
        // Counted by the kernel, not by Portway, so read when scraped rather than incremented.
        FunctionCounter.builder(MeterNames.UDP_DATAGRAMS_DROPPED, kernelDrops, KernelUdpDrops::total)
                .description("UDP datagrams dropped, by reason")
                .tag("reason", SOCKET_BUFFER)
                .register(registry);
        for (QuotaEvent kind : QuotaEvent.values()) {
            quotaEvents.put(kind, kept(serverFamilies, Counter.builder(MeterNames.QUOTA_EVENTS)
                    .description("Plan limits approached or hit, by kind")
                    .tag("kind", kind.label())));
        }
        for (boolean issued : new boolean[] {true, false}) {
            acmeOrders.put(issued, kept(serverFamilies, Counter.builder(MeterNames.ACME_ORDERS)
                    .description("Certificate orders from the ACME CA, by outcome")
                    .tag("outcome", issued ? "issued" : "failed")));
        }
    }

    @Override
    public void certificate(String name, Instant notAfter, int renewalFailures) {
        CertificateState state = new CertificateState(notAfter, renewalFailures);
        certificates.computeIfAbsent(name, n -> certificateGauges(n, state)).set(state);
    }

    @Override
    public void certificateGone(String name) {
        if (certificates.remove(name) != null) {
            for (String meter : List.of(MeterNames.CERTIFICATE_EXPIRY, MeterNames.CERTIFICATE_RENEWAL_FAILURES)) {
                Gauge gauge = registry.find(meter).tag("certificate", name).gauge();
                if (gauge != null) {
                    registry.remove(gauge);
                }
            }
        }
    }

    private AtomicReference<CertificateState> certificateGauges(String name, CertificateState first) {
        AtomicReference<CertificateState> state = new AtomicReference<>(first);
        // Read when scraped, so the days count down without anyone recording.
        Gauge.builder(MeterNames.CERTIFICATE_EXPIRY, state,
                        ref -> Duration.between(Instant.now(), ref.get().notAfter()).toSeconds() / 86_400.0)
                .description("Days until the certificate expires")
                .tag("certificate", name)
                .register(registry);
        Gauge.builder(MeterNames.CERTIFICATE_RENEWAL_FAILURES, state, ref -> ref.get().renewalFailures())
                .description("Failed renewals of the certificate in a row")
                .tag("certificate", name)
                .register(registry);
        return state;
    }

    @Override
    public void acmeOrder(boolean issued) {
        acmeOrders.get(issued).increment();
    }

    @Override
    public Map<String, CertificateState> certificates() {
        Map<String, CertificateState> now = new HashMap<>();
        certificates.forEach((name, state) -> now.put(name, state.get()));
        return now;
    }

    @Override
    public synchronized ClusterMeters clusterNode() {
        if (cluster == null) {
            cluster = new NodeMeters(registry);
        }
        return cluster;
    }

    /** A cluster node's meters, registered once, when the server joins. */
    private static final class NodeMeters implements ClusterMeters {
        private final AtomicInteger liveNodes = new AtomicInteger();
        private final Counter reaped;
        private final Counter takeovers;
        private final Counter forwardedAccepted;
        private final Counter forwardedRefused;
        private final MeterRegistry registry;
        /** The latest link to each peer, read by that peer's gauge; a new link replaces the old one. */
        private final Map<String, LongSupplier> links = new ConcurrentHashMap<>();

        NodeMeters(MeterRegistry registry) {
            this.registry = registry;
            forwardedAccepted = forwarded("accepted");
            forwardedRefused = forwarded("refused");
            Gauge.builder(MeterNames.CLUSTER_NODES, liveNodes, AtomicInteger::get)
                    .description("Nodes of the cluster alive at this node's last heartbeat, itself included")
                    .register(registry);
            reaped = Counter.builder(MeterNames.CLUSTER_REAPED_NODES)
                    .description("Nodes this node removed from the cluster for missing heartbeats")
                    .register(registry);
            takeovers = Counter.builder(MeterNames.CLUSTER_TAKEOVERS)
                    .description("Client sessions taken over on this node from another node")
                    .register(registry);
        }

        @Override
        public void liveNodes(int count) {
            liveNodes.set(count);
        }

        @Override
        public void nodeReaped() {
            reaped.increment();
        }

        @Override
        public void takeover() {
            takeovers.increment();
        }

        @Override
        public void forwardedStream(boolean accepted) {
            (accepted ? forwardedAccepted : forwardedRefused).increment();
        }

        @Override
        public void link(String peer, LongSupplier rttNanos) {
            if (links.put(peer, rttNanos) == null) {
                Gauge.builder(MeterNames.CLUSTER_LINK_RTT, links, all -> {
                            long nanos = all.getOrDefault(peer, () -> -1).getAsLong();
                            return nanos < 0 ? Double.NaN : nanos / 1e9;
                        })
                        .baseUnit("seconds")
                        .description("Round-trip time of this node's link to another node (PING/PONG)")
                        .tag("peer", peer)
                        .register(registry);
            }
        }

        private Counter forwarded(String result) {
            return Counter.builder(MeterNames.CLUSTER_FORWARDED_STREAMS)
                    .description("Streams another node forwarded to this node (one hop each), by result")
                    .tag("result", result)
                    .register(registry);
        }
    }

    private Counter kept(boolean keep, Counter.Builder counter) {
        return keep ? counter.register(registry) : NOT_KEPT;
    }

    private static Counter.Builder publicConnections(String result, String reason) {
        return Counter.builder(MeterNames.PUBLIC_CONNECTIONS)
                .description("Public connections to tunnels, by result and refusal reason")
                .tags("result", result, "reason", reason);
    }

    // ---- udp ----

    @Override
    public void udpFlowOpened() {
        udpFlows.incrementAndGet();
    }

    @Override
    public void udpFlowClosed() {
        udpFlows.decrementAndGet();
    }

    @Override
    public void http2Refused(Http2Refusal reason) {
        http2Refused.get(reason).increment();
    }

    @Override
    public void udpDatagramDropped(UdpDrop reason) {
        udpDropped.get(reason).increment();
    }

    @Override
    public void udpSocketOpened(int localPort) {
        kernelDrops.opened(localPort);
    }

    @Override
    public void udpSocketClosed(int localPort) {
        kernelDrops.closed(localPort);
    }

    // ---- clients ----

    @Override
    public void clientConnected(String clientId) {
        clients.computeIfAbsent(clientId, this::newClient);
    }

    private ClientMeters newClient(String clientId) {
        AtomicLong rttNanos = new AtomicLong(-1);
        Gauge rtt = Gauge.builder(MeterNames.CLIENT_RTT, rttNanos,
                        n -> n.get() < 0 ? Double.NaN : n.get() / (double) TimeUnit.SECONDS.toNanos(1))
                .description("Latest round trip of a PING on the client's control connection")
                .baseUnit("seconds")
                .tag("client", clientId)
                .register(registry);
        return new ClientMeters(rttNanos, rtt);
    }

    @Override
    public void clientDisconnected(String clientId) {
        ClientMeters gone = clients.remove(clientId);
        if (gone != null) {
            registry.remove(gone.rtt());
        }
    }

    @Override
    public void reconnect() {
        reconnects.increment();
    }

    @Override
    public void controlRtt(String clientId, long nanos) {
        ClientMeters client = clients.get(clientId);
        if (client != null) {
            client.rttNanos().set(nanos);
        }
    }

    // ---- tunnels and streams ----

    @Override
    public void tunnelOpened(String tunnel, String user, String tunnelType) {
        openTunnels.compute(new TunnelKey(tunnel, user, tunnelType), (key, open) -> {
            OpenTunnel t = open != null ? open : newOpenTunnel(key);
            t.count().incrementAndGet();
            return t;
        });
    }

    private OpenTunnel newOpenTunnel(TunnelKey key) {
        AtomicInteger count = new AtomicInteger();
        Gauge gauge = Gauge.builder(MeterNames.TUNNEL_UP, count, AtomicInteger::get)
                .description("Open public listeners (or routes) of a tunnel; absent once the last one closed")
                .tags("tunnel", key.tunnel(), "user", key.user(), "type", key.type())
                .register(registry);
        return new OpenTunnel(count, gauge);
    }

    @Override
    public void tunnelClosed(String tunnel, String user, String tunnelType) {
        openTunnels.computeIfPresent(new TunnelKey(tunnel, user, tunnelType), (key, open) -> {
            if (open.count().decrementAndGet() > 0) {
                return open;
            }
            registry.remove(open.gauge());
            return null;
        });
        forgetTrafficUnlessOpen(new TrafficKey(tunnel, user));
    }

    @Override
    public void tunnelRefused(String tunnel, String user) {
        forgetTrafficUnlessOpen(new TrafficKey(tunnel, user));
    }

    /** Removes the byte counters of {@code key} when no tunnel of that name and user, of any type, is open. */
    private void forgetTrafficUnlessOpen(TrafficKey key) {
        boolean open = openTunnels.keySet().stream()
                .anyMatch(t -> t.tunnel().equals(key.tunnel()) && t.user().equals(key.user()));
        if (!open) {
            TunnelTraffic gone = traffic.remove(key);
            if (gone instanceof CounterTraffic counters) {
                registry.remove(counters.in());
                registry.remove(counters.out());
            }
        }
    }

    @Override
    public void streamOpened(String tunnelType) {
        TypeMeters meters = type(tunnelType);
        meters.open().incrementAndGet();
        meters.total().increment();
    }

    @Override
    public void streamClosed(String tunnelType) {
        type(tunnelType).open().decrementAndGet();
    }

    private TypeMeters type(String tunnelType) {
        TypeMeters meters = byType.get(tunnelType);
        return meters != null ? meters : byType.computeIfAbsent(tunnelType, this::newTypeMeters);
    }

    private TypeMeters newTypeMeters(String tunnelType) {
        AtomicInteger open = new AtomicInteger();
        Gauge.builder(MeterNames.STREAMS_OPEN, open, AtomicInteger::get)
                .description("Streams (public connections carried to a client) open right now")
                .tag("type", tunnelType)
                .register(registry);
        Counter total = Counter.builder(MeterNames.STREAMS)
                .description("Streams opened")
                .tag("type", tunnelType)
                .register(registry);
        return new TypeMeters(open, total);
    }

    @Override
    public TunnelTraffic traffic(String tunnel, String user) {
        TrafficKey key = new TrafficKey(tunnel, user);
        TunnelTraffic counters = traffic.get(key);
        return counters != null ? counters : traffic.computeIfAbsent(key, this::newTraffic);
    }

    private TunnelTraffic newTraffic(TrafficKey key) {
        return new CounterTraffic(bytes(key, "in"), bytes(key, "out"));
    }

    private Counter bytes(TrafficKey key, String direction) {
        return Counter.builder(MeterNames.TUNNEL_BYTES)
                .description("Bytes through a tunnel; in: from the public peer to the local service, out: back")
                .baseUnit("bytes")
                .tags("tunnel", key.tunnel(), "user", key.user(), "direction", direction)
                .register(registry);
    }

    // ---- refusals and events ----

    @Override
    public void publicConnectionAccepted() {
        publicAccepted.increment();
    }

    @Override
    public void publicConnectionRefused(PublicConnectionRefusal reason) {
        publicRefused.get(reason).increment();
    }

    @Override
    public void authFailure(AuthFailureReason reason) {
        authFailures.get(reason).increment();
    }

    @Override
    public void quotaEvent(QuotaEvent kind) {
        quotaEvents.get(kind).increment();
    }

    @Override
    public void httpRequest(String tunnel, String method, int status, long nanos) {
        String m = method == null ? "OTHER" : method.toUpperCase(Locale.ROOT);
        HttpKey key = new HttpKey(tunnel, statusClass(status), HTTP_METHODS.contains(m) ? m : "OTHER");
        Timer timer = httpTimers.get(key);
        if (timer == null) {
            timer = httpTimers.computeIfAbsent(key, this::newHttpTimer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer newHttpTimer(HttpKey key) {
        return Timer.builder(MeterNames.HTTP_REQUESTS)
                .description("Requests through HTTP tunnels, first request byte to last response byte")
                .tags(Tags.of("tunnel", key.tunnel(), "status_class", key.statusClass(), "method", key.method()))
                .serviceLevelObjectives(HTTP_BUCKETS)
                .minimumExpectedValue(HTTP_BUCKETS[0])
                .maximumExpectedValue(HTTP_BUCKETS[HTTP_BUCKETS.length - 1])
                .register(registry);
    }

    static String statusClass(int status) {
        return status >= 100 && status < 600 ? (status / 100) + "xx" : "other";
    }

    // ---- readings ----

    @Override
    public Set<String> connectedClients() {
        return Set.copyOf(clients.keySet());
    }

    @Override
    public Set<UpTunnel> openTunnels() {
        Set<UpTunnel> open = new HashSet<>();
        openTunnels.keySet().forEach(key -> open.add(new UpTunnel(key.tunnel(), key.user(), key.type())));
        return open;
    }

    @Override
    public List<TrafficTotal> trafficTotals() {
        List<TrafficTotal> totals = new ArrayList<>();
        traffic.forEach((key, counters) -> {
            CounterTraffic c = (CounterTraffic) counters;
            totals.add(new TrafficTotal(key.tunnel(), key.user(), (long) c.in().count(), (long) c.out().count()));
        });
        return totals;
    }

    @Override
    public Map<String, HttpTotals> httpTotals() {
        double[] bounds = new double[HTTP_BUCKETS.length];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = HTTP_BUCKETS[i].toNanos() / 1e9;
        }
        Map<String, long[]> buckets = new HashMap<>();
        Map<String, long[]> counts = new HashMap<>();
        httpTimers.forEach((key, timer) -> {
            HistogramSnapshot snapshot = timer.takeSnapshot();
            long[] cumulative = buckets.computeIfAbsent(key.tunnel(), t -> new long[bounds.length]);
            for (CountAtBucket bucket : snapshot.histogramCounts()) {
                int index = bucketIndex(bounds, bucket.bucket(TimeUnit.SECONDS));
                if (index >= 0) {
                    cumulative[index] += (long) bucket.count();
                }
            }
            long[] count = counts.computeIfAbsent(key.tunnel(), t -> new long[2]);
            count[0] += snapshot.count();
            if (key.statusClass().equals("5xx")) {
                count[1] += snapshot.count();
            }
        });
        Map<String, HttpTotals> totals = new HashMap<>();
        buckets.forEach((tunnel, cumulative) -> totals.put(tunnel,
                new HttpTotals(bounds, cumulative, counts.get(tunnel)[0], counts.get(tunnel)[1])));
        return totals;
    }

    private static int bucketIndex(double[] bounds, double seconds) {
        for (int i = 0; i < bounds.length; i++) {
            if (Math.abs(bounds[i] - seconds) < 1e-9) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public long quotaEvents(QuotaEvent kind) {
        return (long) quotaEvents.get(kind).count();
    }

    private record ClientMeters(AtomicLong rttNanos, Gauge rtt) {
    }

    private record TypeMeters(AtomicInteger open, Counter total) {
    }

    private record TunnelKey(String tunnel, String user, String type) {
    }

    private record OpenTunnel(AtomicInteger count, Gauge gauge) {
    }

    private record TrafficKey(String tunnel, String user) {
    }

    private record HttpKey(String tunnel, String statusClass, String method) {
    }

    private record CounterTraffic(Counter in, Counter out) implements TunnelTraffic {
        @Override
        public void bytesIn(long bytes) {
            in.increment(bytes);
        }

        @Override
        public void bytesOut(long bytes) {
            out.increment(bytes);
        }
    }
}
