package dev.portway.admin.claims;

/**
 * What the claim routes need from the server's configuration.
 *
 * @param serverDomain the domain whose subdomains the server gives out (lower case); null when it has none. Wildcards
 *                     under it are reserved by admins only; hosts under it need no proof.
 * @param proofs       where a domain's proof record is looked up
 */
public record ClaimSettings(String serverDomain, TxtLookup proofs) {
    /** The DNS name whose TXT record proves {@code host}: {@code _portway-challenge.} before its domain. */
    public static String proofName(String host) {
        return "_portway-challenge." + (host.startsWith("*.") ? host.substring(2) : host);
    }

    boolean underServerDomain(String host) {
        return serverDomain != null && host.endsWith("." + serverDomain);
    }
}
