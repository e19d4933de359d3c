package dev.portway.server.plans;

import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;

/** What a user's terms say of a tunnel it registers, before anything is bound. */
public final class PlanChecks {
    private PlanChecks() {
    }

    /** Null when {@code terms} allow a tunnel like this one, else the refusal as the client shows it. */
    public static String refusal(TunnelSpec spec, UserTerms terms) {
        if (!terms.allowsType(spec.type())) {
            return "tunnel type " + spec.type().wireName() + " is not part of " + terms.source();
        }
        if (spec.type() != TunnelType.HTTP && (terms.portMin() != 0 || terms.portMax() != 0)) {
            String range = (terms.portMin() == 0 ? 1 : terms.portMin()) + "-"
                    + (terms.portMax() == 0 ? 65535 : terms.portMax());
            if (spec.remotePort() == 0) {
                return terms.source() + " allows ports " + range + " only: ask for one (remotePort)";
            }
            if (!terms.allowsPort(spec.remotePort())) {
                return "port " + spec.remotePort() + " is outside " + range + ", the ports " + terms.source()
                        + " allows";
            }
        }
        if (!terms.customDomains() && spec.http() != null && !spec.http().customDomains().isEmpty()) {
            return "custom domains are not part of " + terms.source() + "; use a subdomain";
        }
        return null;
    }

    /**
     * Null when the user may hold one more tunnel than the {@code held} it holds (on every node of a cluster), else
     * the refusal.
     */
    public static String tooMany(int held, UserTerms terms) {
        return held < terms.tunnels() ? null
                : "user holds " + held + " tunnels, as many as " + terms.source() + " allows";
    }
}
