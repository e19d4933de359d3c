package dev.portway.monitor;

import java.time.Instant;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the server's own alert rules and the live event stream read: the in-memory state behind the meters, never the
 * database. Each call is a fresh, cheap snapshot; callers poll it on a schedule off the event loops.
 *
 * <p>Threading: any thread, concurrently with recording.
 */
public interface MeterReadings {
    /** Ids of the clients connected now. */
    Set<String> connectedClients();

    /** Tunnels with at least one open listener (or route) now. */
    Set<UpTunnel> openTunnels();

    /** Bytes counted so far per tunnel and user, since the process started. */
    List<TrafficTotal> trafficTotals();

    /** HTTP requests counted so far per tunnel, all methods and statuses together. */
    Map<String, HttpTotals> httpTotals();

    /** How often {@code kind} was recorded since the process started. */
    long quotaEvents(QuotaEvent kind);

    /** The certificates served now, by name. */
    default Map<String, CertificateState> certificates() {
        return Map.of();
    }

    /** @param renewalFailures failed renewals in a row; 0 when the last one succeeded or none was due */
    record CertificateState(Instant notAfter, int renewalFailures) {
    }

    /** A tunnel as {@code portway_tunnel_up} labels it. */
    record UpTunnel(String tunnel, String user, String type) {
    }

    record TrafficTotal(String tunnel, String user, long bytesIn, long bytesOut) {
    }

    /**
     * Cumulative request counts of one tunnel.
     *
     * @param bucketSeconds upper bounds of the latency buckets, ascending
     * @param atOrBelow     requests that took at most the bound of the same index (cumulative, like Prometheus's le)
     * @param count         all requests
     * @param serverErrors  requests answered 5xx
     */
    record HttpTotals(double[] bucketSeconds, long[] atOrBelow, long count, long serverErrors) {
    }
}
