package dev.portway.server.plans;

import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;

/** What a user's terms say of a tunnel it registers, before anything is bound. */
public final class PlanChecks {
    private PlanChecks() {
    }

    /**
     * Null when {@code terms} allow the tunnel, else the refusal as the client shows it.
     *
     * @param heldTunnels tunnels the user holds on this node now; negative when the registration replaces one it
     *                    holds (which does not add to the count)
     */
    public static String refusal(TunnelSpec spec, UserTerms terms, int heldTunnels) {
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
        if (heldTunnels >= 0 && heldTunnels >= terms.tunnels()) {
            return "user holds " + heldTunnels + " tunnels, as many as " + terms.source() + " allows";
        }
        return null;
    }
}
