package dev.portway.storage.plans;

import dev.portway.protocol.control.TunnelType;

import java.util.Set;

/**
 * What a plan allows. A null limit is no limit.
 *
 * @param monthlyTraffic       bytes in + out per usage period
 * @param atLimit              what happens when {@code monthlyTraffic} is used
 * @param throttleFloor        bytes/s each direction per user once the allowance is used, for {@link AtLimit#THROTTLE}
 * @param warningShare         share of the allowance at which the user is warned, in (0, 1]
 * @param bandwidthPerUser     bytes/s each direction, all tunnels of a user together
 * @param bandwidthPerTunnel   bytes/s each direction, per tunnel
 * @param connectionsPerTunnel concurrent public connections per tunnel
 * @param connectionsPerUser   concurrent public connections, all tunnels of a user together
 * @param tunnelsPerUser       tunnels all clients of a user hold together
 * @param clientsPerUser       connected clients of a user
 * @param tunnelTypes          the types a user may register; null: every type the server serves
 * @param portMin              lowest public port a user may ask for
 * @param portMax              highest public port a user may ask for
 * @param customDomains        whether http tunnels may use domains outside the server's
 */
public record PlanLimits(Long monthlyTraffic, AtLimit atLimit, Long throttleFloor, double warningShare,
                         Long bandwidthPerUser, Long bandwidthPerTunnel, Integer connectionsPerTunnel,
                         Integer connectionsPerUser, Integer tunnelsPerUser, Integer clientsPerUser,
                         Set<TunnelType> tunnelTypes, Integer portMin, Integer portMax, boolean customDomains) {
    public static final double DEFAULT_WARNING_SHARE = 0.8;
    /** Everything allowed, nothing counted against: what a user has when no plan applies. */
    public static final PlanLimits UNLIMITED = new PlanLimits(null, AtLimit.SUSPEND, null, DEFAULT_WARNING_SHARE,
            null, null, null, null, null, null, null, null, null, true);

    public PlanLimits {
        if (atLimit == null) {
            throw new IllegalArgumentException("atLimit is required");
        }
        if (atLimit == AtLimit.THROTTLE && throttleFloor == null) {
            throw new IllegalArgumentException("throttleFloor is required when atLimit is throttle");
        }
        if (!(warningShare > 0 && warningShare <= 1)) {
            throw new IllegalArgumentException("warningShare must be in (0, 1], got " + warningShare);
        }
        if (portMin != null && portMax != null && portMin > portMax) {
            throw new IllegalArgumentException("portMin " + portMin + " is above portMax " + portMax);
        }
        tunnelTypes = tunnelTypes == null ? null : Set.copyOf(tunnelTypes);
    }
}
