package dev.portway.admin.plans;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portway.admin.http.Json;
import dev.portway.protocol.control.TunnelType;
import dev.portway.storage.plans.Plan;
import dev.portway.storage.plans.PlanLimits;

import java.util.List;

/** Response bodies of the plan routes; a plan reads back in the shape it was written. */
public final class PlanViews {
    private PlanViews() {
    }

    public record PlanView(long id, String name, @JsonProperty("default") boolean isDefault, Long monthlyTraffic,
                           String atLimit, Long throttleFloor, double warningShare, Long bandwidthPerUser,
                           Long bandwidthPerTunnel, Integer connectionsPerTunnel, Integer connectionsPerUser,
                           Integer tunnelsPerUser, Integer clientsPerUser, List<String> tunnelTypes, Integer portMin,
                           Integer portMax, boolean customDomains, String created, String updated) {
        public static PlanView of(Plan plan) {
            LimitsView l = LimitsView.of(plan.limits());
            return new PlanView(plan.id(), plan.name(), plan.isDefault(), l.monthlyTraffic(), l.atLimit(),
                    l.throttleFloor(), l.warningShare(), l.bandwidthPerUser(), l.bandwidthPerTunnel(),
                    l.connectionsPerTunnel(), l.connectionsPerUser(), l.tunnelsPerUser(), l.clientsPerUser(),
                    l.tunnelTypes(), l.portMin(), l.portMax(), l.customDomains(), Json.time(plan.created()),
                    Json.time(plan.updated()));
        }
    }

    /** What a plan allows, in the field names of {@link PlanRequests.PlanBody}; null is no limit. */
    public record LimitsView(Long monthlyTraffic, String atLimit, Long throttleFloor, double warningShare,
                             Long bandwidthPerUser, Long bandwidthPerTunnel, Integer connectionsPerTunnel,
                             Integer connectionsPerUser, Integer tunnelsPerUser, Integer clientsPerUser,
                             List<String> tunnelTypes, Integer portMin, Integer portMax, boolean customDomains) {
        public static LimitsView of(PlanLimits limits) {
            List<String> types = limits.tunnelTypes() == null ? null
                    : limits.tunnelTypes().stream().map(TunnelType::wireName).sorted().toList();
            return new LimitsView(limits.monthlyTraffic(), limits.atLimit().wireName(), limits.throttleFloor(),
                    limits.warningShare(), limits.bandwidthPerUser(), limits.bandwidthPerTunnel(),
                    limits.connectionsPerTunnel(), limits.connectionsPerUser(), limits.tunnelsPerUser(),
                    limits.clientsPerUser(), types, limits.portMin(), limits.portMax(), limits.customDomains());
        }
    }
}
