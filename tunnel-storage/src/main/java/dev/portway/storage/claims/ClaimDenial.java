package dev.portway.storage.claims;

/**
 * Why a user may not have a host or port; {@link #describe()} is the one wording of every such refusal.
 *
 * @param name    the host or port asked for
 * @param blocker the claim in the way: the same name, the wildcard over it, or a host under the wildcard asked for;
 *                null for {@link Reason#NOT_RESERVED} and {@link Reason#NOT_PROVEN} without a claim
 */
public record ClaimDenial(ClaimKind kind, String name, Reason reason, String blocker) {
    public enum Reason {
        /** Another user holds the name, the wildcard over it, or (for a wildcard) a host under it. */
        OTHER_OWNER,
        /** The name needs a reservation made by an admin. */
        NOT_RESERVED,
        /** The name needs a verified claim: proof of control of the domain. */
        NOT_PROVEN
    }

    /** A sentence for the client or the API caller. */
    public String describe() {
        if (kind == ClaimKind.PORT) {
            return "port " + name + " is reserved to another user";
        }
        return switch (reason) {
            case OTHER_OWNER -> blocker.equals(name) ? "host " + name + " belongs to another user"
                    : blocker.startsWith("*.") && !name.startsWith("*.")
                    ? "host " + name + " is under " + blocker + ", which belongs to another user"
                    : name + " would cover " + blocker + ", which belongs to another user";
            case NOT_RESERVED -> name + " must be reserved to you by an administrator first (POST /api/v1/claims)";
            case NOT_PROVEN -> name + " must be proven yours first: reserve it (POST /api/v1/claims), publish the"
                    + " DNS TXT record the answer names, then POST /api/v1/claims/host/" + name + "/verify";
        };
    }
}
