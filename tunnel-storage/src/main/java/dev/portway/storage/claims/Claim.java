package dev.portway.storage.claims;

import java.time.Instant;

/**
 * A row of {@code claims}: one user's hold on a host or port.
 *
 * @param name       a lower-case host ({@code app.example.org}, {@code *.example.org}) or a port number in decimal
 * @param reserved   made through the API and kept until released, rather than taken by a tunnel's registration
 * @param verified   the user proved control of the domain, or an admin vouched for it
 * @param proofToken what the DNS TXT record must hold to prove the domain; null once verified or for a port
 * @param lastUsed   when a registration last relied on it; null if never
 */
public record Claim(ClaimKind kind, String name, long userId, String userName, boolean reserved, boolean verified,
                    String proofToken, Instant created, Instant lastUsed) {
}
