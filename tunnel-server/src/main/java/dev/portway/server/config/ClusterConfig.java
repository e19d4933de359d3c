package dev.portway.server.config;

import dev.portway.protocol.config.HostPort;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code cluster} section of server.yaml: this node's part in several nodes on one external PostgreSQL. Absent
 * (null in {@link ServerConfig}), the server is a single node, as without clusters.
 *
 * @param nodeName  this node's name, unique among the nodes of the cluster; sessions and claims record it
 * @param advertise where other nodes reach this one: its node links listen on {@code bind} and this port; also
 *                  listed to operators
 * @param secret    shared by every node of the cluster; a node with another secret is refused when it joins
 * @param heartbeat how often this node writes its heartbeat and looks for dead nodes
 * @param deadAfter a node without a heartbeat for this long is dead: any other node deletes it, its sessions and
 *                  their claims, so its clients can take their ports and hosts on another node
 */
public record ClusterConfig(String nodeName, HostPort advertise, String secret, Duration heartbeat,
                            Duration deadAfter) {
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_DEAD_AFTER = Duration.ofSeconds(10);
    /** Fewer missed heartbeats than this would call a node dead for one slow database round trip. */
    public static final int MIN_HEARTBEATS_TO_DEATH = 3;

    public ClusterConfig {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(advertise, "advertise");
        Objects.requireNonNull(secret, "secret");
        heartbeat = heartbeat == null ? DEFAULT_HEARTBEAT : heartbeat;
        deadAfter = deadAfter == null ? DEFAULT_DEAD_AFTER : deadAfter;
        if (deadAfter.compareTo(heartbeat.multipliedBy(MIN_HEARTBEATS_TO_DEATH)) < 0) {
            throw new IllegalArgumentException("deadAfter must be at least " + MIN_HEARTBEATS_TO_DEATH
                    + " heartbeats: " + deadAfter + " < 3 x " + heartbeat);
        }
    }

    /**
     * Why {@code database} cannot carry a cluster, or null when it can: every node must reach the one PostgreSQL, so
     * neither the embedded one (it lives in one node's data directory) nor none at all will do.
     */
    public static String databaseProblem(DatabaseSettings database) {
        if (!database.enabled()) {
            return "a cluster needs a database: set database.url to the external PostgreSQL all nodes share"
                    + " (database.enabled is false)";
        }
        if (database.connection().isEmbedded()) {
            return "a cluster needs an external PostgreSQL that all nodes share: set database.url (the embedded"
                    + " PostgreSQL serves a single node)";
        }
        return null;
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "ClusterConfig[nodeName=" + nodeName + ", advertise=" + advertise + ", secret=***, heartbeat="
                + heartbeat + ", deadAfter=" + deadAfter + "]";
    }
}
