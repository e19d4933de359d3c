package dev.portway.protocol.control;

/**
 * Membership of a load-balancing group: tunnels (of one or several clients) that declare the same {@code name} and
 * {@code key} share one public port or host, and new public connections are spread over them.
 *
 * @param name        the group; tunnels of one group must agree on the public port or host they share
 * @param key         a shared secret: a tunnel that names the group with another key is refused
 * @param loadBalance {@code round-robin} (default) or {@code least-connections}
 */
public record GroupOptions(String name, String key, String loadBalance) {
    @Override
    public String toString() {
        return "GroupOptions[name=" + name + ", key=<redacted>, loadBalance=" + loadBalance + "]";
    }
}
