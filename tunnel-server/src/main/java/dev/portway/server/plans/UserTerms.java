package dev.portway.server.plans;

import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.LimitsConfig;
import dev.portway.storage.plans.PlanLimits;

import java.util.Set;

/**
 * The limits in force for one user on this node: its plan's, held within the server's {@code limits}, which also
 * apply where the plan sets none (a user of a static token, or without a plan, has only the server's). Zero bandwidth or connections per
 * tunnel: no limit.
 *
 * @param bandwidthPerUser   bytes/s each direction for all the user's tunnels together; while the allowance is used
 *                           up under a throttling plan, the plan's floor
 * @param bandwidthPerTunnel bytes/s each direction per tunnel
 * @param tunnelTypes        null: every type
 * @param portMin            lowest public port the user may ask for; 0: none
 * @param portMax            highest; 0: none
 */
public record UserTerms(int clients, int tunnels, int connectionsPerUser, int connectionsPerTunnel,
                        long bandwidthPerUser, long bandwidthPerTunnel, Set<TunnelType> tunnelTypes, int portMin,
                        int portMax, boolean customDomains, String planName) {

    /** The server's own ceilings, nothing else. */
    public static UserTerms of(LimitsConfig server) {
        return of(PlanLimits.UNLIMITED, null, server, false);
    }

    /** @param throttled the plan's allowance is used and the plan throttles: bandwidth drops to its floor */
    public static UserTerms of(PlanLimits plan, String planName, LimitsConfig server, boolean throttled) {
        long perUser = orZero(plan.bandwidthPerUser());
        if (throttled && plan.throttleFloor() != null) {
            perUser = perUser == 0 ? plan.throttleFloor() : Math.min(perUser, plan.throttleFloor());
        }
        return new UserTerms(
                within(plan.clientsPerUser(), server.sessionsPerUser()),
                within(plan.tunnelsPerUser(), server.tunnelsPerUser()),
                within(plan.connectionsPerUser(), server.streamsPerUser()),
                plan.connectionsPerTunnel() != null ? plan.connectionsPerTunnel() : 0,
                perUser, orZero(plan.bandwidthPerTunnel()), plan.tunnelTypes(),
                plan.portMin() != null ? plan.portMin() : 0, plan.portMax() != null ? plan.portMax() : 0,
                plan.customDomains(), planName);
    }

    /** The server's ceilings bound every plan: they are what keeps one user from taking the whole server. */
    private static int within(Integer plan, int server) {
        return plan == null ? server : Math.min(plan, server);
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    public boolean allowsType(TunnelType type) {
        return tunnelTypes == null || tunnelTypes.contains(type);
    }

    public boolean allowsPort(int port) {
        return (portMin == 0 || port >= portMin) && (portMax == 0 || port <= portMax);
    }

    /** For refusals: {@code plan "free"}, or {@code the server's limits}. */
    public String source() {
        return planName == null ? "the server's limits" : "plan \"" + planName + "\"";
    }
}
