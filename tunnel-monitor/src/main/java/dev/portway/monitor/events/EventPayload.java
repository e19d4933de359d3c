package dev.portway.monitor.events;

import java.util.List;

/**
 * What a live event says. Each kind knows whose it is, so that a subscriber limited to one user sees only that user's
 * part: lifecycle events whole or not at all, rate snapshots with the other users' tunnels removed.
 */
public sealed interface EventPayload {
    /** The SSE event name. */
    String type();

    /** What {@code user} may see of this; null when nothing. */
    EventPayload visibleTo(String user);

    /** A client logged in ({@code connected}) or its connection ended ({@code disconnected}). */
    record Client(boolean connected, String client, String user, String session, String remoteAddress)
            implements EventPayload {
        @Override
        public String type() {
            return connected ? "client.connected" : "client.disconnected";
        }

        @Override
        public EventPayload visibleTo(String viewer) {
            return user.equals(viewer) ? this : null;
        }
    }

    /** A tunnel's public listener (or route) opened ({@code up}) or closed. */
    record Tunnel(boolean up, String tunnel, String tunnelType, String user, String client, String publicAddress)
            implements EventPayload {
        @Override
        public String type() {
            return up ? "tunnel.up" : "tunnel.down";
        }

        @Override
        public EventPayload visibleTo(String viewer) {
            return user.equals(viewer) ? this : null;
        }
    }

    /**
     * A user's standing against its plan changed for the worse: {@code warning} (the warning share of its traffic
     * allowance used), {@code suspended} or {@code throttled} (all of it used), {@code expired}. Sent once per
     * usage period and kind, by the node that noticed it first.
     *
     * @param allowance bytes; null when the plan has none (an expiry)
     * @param reason    what the user's clients are told when locked out; null otherwise
     */
    record Quota(String state, String user, long used, Long allowance, String periodEnd, String reason)
            implements EventPayload {
        @Override
        public String type() {
            return "quota." + state;
        }

        @Override
        public EventPayload visibleTo(String viewer) {
            return user.equals(viewer) ? this : null;
        }
    }

    /**
     * A certificate the server serves was {@code issued} (or renewed), or its renewal is {@code renewal_failing}
     * (sent at the first failure in a row only). For operators: no user sees it.
     *
     * @param notAfter when the certificate in service expires (ISO-8601); null when none is in service yet
     * @param reason   why the renewal failed; null when issued
     */
    record Certificate(String state, String name, String notAfter, String reason) implements EventPayload {
        @Override
        public String type() {
            return "certificate." + state;
        }

        @Override
        public EventPayload visibleTo(String viewer) {
            return null;
        }
    }

    /** Bytes per second of every tunnel with counted traffic, over the last {@code intervalMillis}. */
    record Rates(long intervalMillis, List<TunnelRate> tunnels) implements EventPayload {
        public Rates {
            tunnels = List.copyOf(tunnels);
        }

        @Override
        public String type() {
            return "rates";
        }

        @Override
        public EventPayload visibleTo(String viewer) {
            return new Rates(intervalMillis, tunnels.stream().filter(t -> t.user().equals(viewer)).toList());
        }
    }

    record TunnelRate(String tunnel, String user, double bytesInPerSecond, double bytesOutPerSecond) {
    }
}
