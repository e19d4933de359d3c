package dev.portway.admin.plans;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** Request bodies of the plan routes. */
public final class PlanRequests {
    private PlanRequests() {
    }

    /**
     * A whole plan, for a create and for a replace ({@code PUT}): a limit left out or {@code null} is no limit, so a
     * partial update could not tell "unchanged" from "unlimited". Byte counts and rates are plain numbers of bytes.
     *
     * @param isDefault            {@code default} in JSON: the plan of every user without one of their own; setting it
     *                             takes the mark from the plan that had it. Default false
     * @param monthlyTraffic       bytes in + out per usage period
     * @param atLimit              {@code suspend} (default) or {@code throttle}, when {@code monthlyTraffic} is used
     * @param throttleFloor        bytes/s each direction once the allowance is used; required with {@code throttle}
     * @param warningShare         share of the allowance at which the user is warned, in (0, 1]; default 0.8
     * @param bandwidthPerUser     bytes/s each direction, all the user's tunnels together
     * @param bandwidthPerTunnel   bytes/s each direction, per tunnel
     * @param connectionsPerTunnel concurrent public connections per tunnel
     * @param connectionsPerUser   concurrent public connections, all the user's tunnels together
     * @param tunnelsPerUser       tunnels all the user's clients hold together
     * @param clientsPerUser       connected clients of the user
     * @param tunnelTypes          {@code tcp}, {@code udp}, {@code http}; null: every type the server serves
     * @param portMin              lowest public port the user may ask for
     * @param portMax              highest public port the user may ask for
     * @param customDomains        whether http tunnels may use domains outside the server's; default true
     */
    public record PlanBody(String name, @JsonProperty("default") Boolean isDefault, Long monthlyTraffic,
                           String atLimit, Long throttleFloor, Double warningShare, Long bandwidthPerUser,
                           Long bandwidthPerTunnel, Integer connectionsPerTunnel, Integer connectionsPerUser,
                           Integer tunnelsPerUser, Integer clientsPerUser, List<String> tunnelTypes, Integer portMin,
                           Integer portMax, Boolean customDomains) {
    }
}
