package dev.portway.admin.plans;

import dev.portway.admin.plans.PlanRequests.PlanBody;
import dev.portway.admin.problem.ApiException;
import dev.portway.admin.users.UserValidator;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.relay.Bandwidth;
import dev.portway.storage.plans.AtLimit;
import dev.portway.storage.plans.PlanDraft;
import dev.portway.storage.plans.PlanLimits;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The rules for a plan, checked before {@link PlanLimits}'s own checks (and the table's) can see an invalid value.
 * The first broken rule is reported, naming its field.
 */
final class PlanValidator {
    private PlanValidator() {
    }

    static PlanDraft draft(PlanBody body) {
        String name = UserValidator.name(body.name());
        Long monthlyTraffic = atLeast("monthlyTraffic", body.monthlyTraffic(), 0);
        AtLimit atLimit = atLimit(body.atLimit());
        Long throttleFloor = rate("throttleFloor", body.throttleFloor());
        if (atLimit == AtLimit.THROTTLE && throttleFloor == null) {
            throw ApiException.invalid("throttleFloor", "required when atLimit is throttle");
        }
        if (atLimit != AtLimit.THROTTLE && throttleFloor != null) {
            throw ApiException.invalid("throttleFloor", "only a plan whose atLimit is throttle has a floor");
        }
        double warningShare = body.warningShare() == null ? PlanLimits.DEFAULT_WARNING_SHARE : body.warningShare();
        if (!(warningShare > 0 && warningShare <= 1)) {
            throw ApiException.invalid("warningShare", "expected a share above 0 and at most 1, such as 0.8");
        }
        Integer portMin = port("portMin", body.portMin());
        Integer portMax = port("portMax", body.portMax());
        if (portMin != null && portMax != null && portMin > portMax) {
            throw ApiException.invalid("portMax", "expected at least portMin (" + portMin + ")");
        }
        PlanLimits limits = new PlanLimits(monthlyTraffic, atLimit, throttleFloor, warningShare,
                rate("bandwidthPerUser", body.bandwidthPerUser()),
                rate("bandwidthPerTunnel", body.bandwidthPerTunnel()),
                atLeast("connectionsPerTunnel", body.connectionsPerTunnel(), 1),
                atLeast("connectionsPerUser", body.connectionsPerUser(), 1),
                atLeast("tunnelsPerUser", body.tunnelsPerUser(), 0),
                atLeast("clientsPerUser", body.clientsPerUser(), 0),
                tunnelTypes(body.tunnelTypes()), portMin, portMax,
                body.customDomains() == null || body.customDomains());
        return new PlanDraft(name, Boolean.TRUE.equals(body.isDefault()), limits);
    }

    private static AtLimit atLimit(String name) {
        if (name == null) {
            return AtLimit.SUSPEND;
        }
        return Arrays.stream(AtLimit.values()).filter(a -> a.wireName().equals(name)).findFirst()
                .orElseThrow(() -> ApiException.invalid("atLimit", "expected one of suspend, throttle"));
    }

    /** Bytes per second, in the range a bandwidth limit of the relay accepts. */
    private static Long rate(String field, Long bytesPerSecond) {
        if (bytesPerSecond != null && (bytesPerSecond < Bandwidth.MIN_BYTES_PER_SECOND
                || bytesPerSecond > Bandwidth.MAX_BYTES_PER_SECOND)) {
            throw ApiException.invalid(field, "expected bytes per second from " + Bandwidth.MIN_BYTES_PER_SECOND
                    + " (1 KiB) to " + Bandwidth.MAX_BYTES_PER_SECOND + " (10 GiB)");
        }
        return bytesPerSecond;
    }

    private static <N extends Number> N atLeast(String field, N value, long min) {
        if (value != null && value.longValue() < min) {
            throw ApiException.invalid(field, "expected a number of at least " + min + ", or null for no limit");
        }
        return value;
    }

    private static Integer port(String field, Integer port) {
        if (port != null && (port < 1 || port > 65535)) {
            throw ApiException.invalid(field, "expected a port from 1 to 65535");
        }
        return port;
    }

    private static Set<TunnelType> tunnelTypes(List<String> names) {
        if (names == null) {
            return null;
        }
        Set<TunnelType> types = EnumSet.noneOf(TunnelType.class);
        for (int i = 0; i < names.size(); i++) {
            String field = "tunnelTypes[" + i + "]";
            types.add(TunnelType.byWireName(names.get(i)).orElseThrow(() -> ApiException.invalid(field,
                    "expected one of " + Arrays.stream(TunnelType.values()).map(TunnelType::wireName)
                            .collect(Collectors.joining(", ")))));
        }
        return types;
    }
}
