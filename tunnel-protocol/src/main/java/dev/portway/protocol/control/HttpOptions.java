package dev.portway.protocol.control;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * How the server routes and rewrites public HTTP traffic for one {@code http} tunnel. Every field may be absent;
 * the server validates them when the tunnel registers and refuses that tunnel alone when one is wrong.
 *
 * @param subdomain         served as {@code subdomain.<server domain>}
 * @param customDomains     further host names, exact or {@code *.example.org} (one label)
 * @param locations         path prefixes this tunnel serves on those hosts; the longest match wins; none: every path
 * @param hostHeaderRewrite the Host header the local service sees instead of the public one
 * @param requestHeaders    headers set on or removed from requests before they reach the local service
 * @param responseHeaders   headers set on or removed from responses before they reach the public peer
 * @param basicAuth         credentials every request must carry, or null for none
 * @param https             {@code terminate} (the server holds the certificate) or {@code passthrough}
 * @param rateLimit         requests each public client address may make, or null for no limit
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HttpOptions(
        String subdomain,
        List<String> customDomains,
        List<String> locations,
        String hostHeaderRewrite,
        HeaderRules requestHeaders,
        HeaderRules responseHeaders,
        BasicAuth basicAuth,
        String https,
        RateLimit rateLimit) {

    public HttpOptions {
        customDomains = customDomains == null ? List.of() : List.copyOf(customDomains);
        locations = locations == null ? List.of() : List.copyOf(locations);
    }

    public HttpOptions(String subdomain, List<String> customDomains, List<String> locations, String hostHeaderRewrite,
                       HeaderRules requestHeaders, HeaderRules responseHeaders, BasicAuth basicAuth, String https) {
        this(subdomain, customDomains, locations, hostHeaderRewrite, requestHeaders, responseHeaders, basicAuth, https,
                null);
    }

    /** Headers to set (replacing any of that name) and names to remove. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record HeaderRules(Map<String, String> set, List<String> remove) {
        public HeaderRules {
            set = set == null ? Map.of() : Map.copyOf(set);
            remove = remove == null ? List.of() : List.copyOf(remove);
        }
    }

    public record BasicAuth(String user, String password) {
        @Override
        public String toString() {
            return "BasicAuth[user=" + user + ", password=<redacted>]";
        }
    }
}
