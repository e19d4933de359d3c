package dev.portway.storage.claims;

/**
 * A host a registration wants, and what it takes to get it when no claim of this user exists yet.
 *
 * @param host lower case, exact or wildcard
 */
public record HostRequest(String host, Admission admission) {
    public enum Admission {
        /** Claimed by the first user to register it (subdomains, custom domains when no proof is required). */
        FIRST_USE,
        /** Only with a claim this user holds already: reserved by an admin (wildcards under the server's domain). */
        RESERVED,
        /** Only with a verified claim of this user (custom domains when the server requires proof). */
        PROVEN
    }
}
