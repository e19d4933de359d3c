package dev.portway.server.config;

import java.util.List;

/**
 * The public web listeners that serve http tunnels by host name.
 *
 * @param domain    tunnels' subdomains are served under it ({@code app} → {@code app.<domain>}); null: only custom
 *                  domains are served
 * @param httpPort  plain HTTP; 0 disables it
 * @param httpsPort HTTPS routed by SNI; 0 disables it
 * @param certificates what the https listener terminates TLS with, by host name; none: only passthrough tunnels
 *                     are served on HTTPS
 */
public record HttpConfig(String domain, int httpPort, int httpsPort, List<HttpsCertificateConfig> certificates) {
    public static final int DEFAULT_HTTP_PORT = 80;
    public static final int DEFAULT_HTTPS_PORT = 443;
    public static final HttpConfig DEFAULTS = new HttpConfig(null, DEFAULT_HTTP_PORT, DEFAULT_HTTPS_PORT);
    /** No web listeners at all: for servers (and tests) that carry TCP and UDP only. */
    public static final HttpConfig DISABLED = new HttpConfig(null, 0, 0);

    public HttpConfig {
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("http.port out of range: " + httpPort);
        }
        if (httpsPort < 0 || httpsPort > 65535) {
            throw new IllegalArgumentException("https.port out of range: " + httpsPort);
        }
    }

    public HttpConfig(String domain, int httpPort, int httpsPort) {
        this(domain, httpPort, httpsPort, List.of());
    }
}
