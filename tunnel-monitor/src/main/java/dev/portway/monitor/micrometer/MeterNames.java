package dev.portway.monitor.micrometer;

/**
 * Micrometer names of Portway's meters. The Prometheus registry turns dots into underscores and adds the unit and
 * {@code _total} suffixes: {@code portway.tunnel.bytes} is scraped as {@code portway_tunnel_bytes_total}.
 */
public final class MeterNames {
    /** Gauge: connected clients. Prometheus: {@code portway_clients_connected}. */
    public static final String CLIENTS_CONNECTED = "portway.clients.connected";
    /** Counter. Prometheus: {@code portway_client_reconnects_total}. */
    public static final String CLIENT_RECONNECTS = "portway.client.reconnects";
    /** Gauge per client. Prometheus: {@code portway_client_rtt_seconds{client}}. */
    public static final String CLIENT_RTT = "portway.client.rtt";
    /** Gauge per tunnel. Prometheus: {@code portway_tunnel_up{tunnel,user,type}}. */
    public static final String TUNNEL_UP = "portway.tunnel.up";
    /** Gauge. Prometheus: {@code portway_streams_open{type}}. */
    public static final String STREAMS_OPEN = "portway.streams.open";
    /** Counter. Prometheus: {@code portway_streams_total{type}}. */
    public static final String STREAMS = "portway.streams";
    /** Counter. Prometheus: {@code portway_tunnel_bytes_total{tunnel,user,direction}}. */
    public static final String TUNNEL_BYTES = "portway.tunnel.bytes";
    /** Counter. Prometheus: {@code portway_public_connections_total{result,reason}}. */
    public static final String PUBLIC_CONNECTIONS = "portway.public.connections";
    /** Counter. Prometheus: {@code portway_http2_refused_total{reason}}. */
    public static final String HTTP2_REFUSED = "portway.http2.refused";
    /** Counter. Prometheus: {@code portway_auth_failures_total{reason}}. */
    public static final String AUTH_FAILURES = "portway.auth.failures";
    /** Counter. Prometheus: {@code portway_quota_events_total{kind}}. */
    public static final String QUOTA_EVENTS = "portway.quota.events";
    /** Timer with buckets. Prometheus: {@code portway_http_requests_seconds{tunnel,status_class,method}}. */
    public static final String HTTP_REQUESTS = "portway.http.requests";
    /** Gauge. Prometheus: {@code portway_udp_flows}. */
    public static final String UDP_FLOWS = "portway.udp.flows";
    /** Counter. Prometheus: {@code portway_udp_datagrams_dropped_total{reason}}. */
    public static final String UDP_DATAGRAMS_DROPPED = "portway.udp.datagrams.dropped";
    /** Gauges. Prometheus: {@code portway_netty_allocator_used_direct_memory_bytes} and {@code ..._heap_...}. */
    public static final String NETTY_USED_DIRECT_MEMORY = "portway.netty.allocator.used.direct.memory";
    public static final String NETTY_USED_HEAP_MEMORY = "portway.netty.allocator.used.heap.memory";

    /** Gauge per certificate. Prometheus: {@code portway_certificate_expiry_days{certificate}}. */
    public static final String CERTIFICATE_EXPIRY = "portway.certificate.expiry.days";
    /** Gauge per certificate. Prometheus: {@code portway_certificate_renewal_failures{certificate}}. */
    public static final String CERTIFICATE_RENEWAL_FAILURES = "portway.certificate.renewal.failures";
    /** Counter. Prometheus: {@code portway_acme_orders_total{outcome}}. */
    public static final String ACME_ORDERS = "portway.acme.orders";
    /** Gauge, on a cluster node. Prometheus: {@code portway_cluster_nodes}. */
    public static final String CLUSTER_NODES = "portway.cluster.nodes";
    /** Counter, on a cluster node. Prometheus: {@code portway_cluster_reaped_nodes_total}. */
    public static final String CLUSTER_REAPED_NODES = "portway.cluster.reaped.nodes";
    /** Counter, on a cluster node. Prometheus: {@code portway_cluster_takeovers_total}. */
    public static final String CLUSTER_TAKEOVERS = "portway.cluster.takeovers";
    /** Streams another node forwarded to this one (one hop each), by result. */
    public static final String CLUSTER_FORWARDED_STREAMS = "portway.cluster.forwarded.streams";
    /** Round-trip time of this node's link to another node, by peer: the cost in time of one hop. */
    public static final String CLUSTER_LINK_RTT = "portway.cluster.link.rtt";

    private MeterNames() {
    }
}
