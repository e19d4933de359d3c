package dev.portway.client.config;

import dev.portway.protocol.config.HostPort;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The proxy the client reaches the server through: an HTTP proxy that tunnels with CONNECT, or a SOCKS5 proxy,
 * optionally with a user name and password.
 *
 * @param bypass host names (and {@code .domain} suffixes, or {@code *}) reached directly, from {@code NO_PROXY};
 *               a proxy named in client.yaml has none
 * @param source where the proxy came from ({@code proxy} or the environment variable's name), for messages
 */
public record ProxyConfig(Kind kind, HostPort address, String user, String password, List<String> bypass,
                          String source) {

    public enum Kind {
        HTTP("http", 3128),
        SOCKS5("socks5", 1080);

        private final String scheme;
        private final int defaultPort;

        Kind(String scheme, int defaultPort) {
            this.scheme = scheme;
            this.defaultPort = defaultPort;
        }

        public String scheme() {
            return scheme;
        }
    }

    public ProxyConfig {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(address, "address");
        bypass = bypass == null ? List.of() : List.copyOf(bypass);
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException("a proxy user needs a password and the other way round");
        }
    }

    /**
     * Parses {@code http://[user:password@]host[:port]} or {@code socks5://...}, and a bare {@code host:port} as an
     * HTTP proxy. {@code https://} (a proxy spoken to over TLS) is refused rather than taken as {@code http://}: that
     * would send its credentials in the clear to a proxy the user believed was encrypted.
     *
     * @throws IllegalArgumentException saying what was expected, never repeating the password
     */
    public static ProxyConfig parse(String text, List<String> bypass, String source) {
        String s = text.trim();
        if (!s.contains("://")) {
            s = "http://" + s;
        }
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("expected http://[user:password@]host:port or socks5://...");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        Kind kind = switch (scheme) {
            case "http" -> Kind.HTTP;
            case "socks5", "socks5h" -> Kind.SOCKS5;
            case "https" -> throw new IllegalArgumentException(
                    "expected an http:// or socks5:// proxy URL (a proxy reached over TLS, https://, is not supported)");
            default -> throw new IllegalArgumentException("expected an http:// or socks5:// proxy URL");
        };
        if (uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
            throw new IllegalArgumentException("expected " + kind.scheme + "://[user:password@]host:port");
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        HostPort address = new HostPort(host, uri.getPort() > 0 ? uri.getPort() : kind.defaultPort);
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("expected user:password before the proxy's host, got a user only");
            }
            user = percentDecoded(userInfo.substring(0, colon));
            password = percentDecoded(userInfo.substring(colon + 1));
        }
        return new ProxyConfig(kind, address, user, password, bypass, source);
    }

    /**
     * {@code %XX} escapes only: a {@code +} in a password stays a plus (URLDecoder's form decoding would make it a
     * space). A bad escape is reported without quoting any of the text, which may be a password.
     */
    private static String percentDecoded(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected %XX escapes with two hex digits in the proxy's user:password");
        }
    }

    /** Whether {@code host} is to be reached without the proxy, by {@code NO_PROXY}'s usual rules. */
    public boolean bypasses(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        for (String entry : bypass) {
            String rule = entry.trim().toLowerCase(Locale.ROOT);
            if (rule.equals("*")) {
                return true;
            }
            if (rule.isEmpty()) {
                continue;
            }
            String suffix = rule.startsWith(".") ? rule : "." + rule;
            String exact = rule.startsWith(".") ? rule.substring(1) : rule;
            if (name.equals(exact) || name.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    /** For logs and errors: the password never appears. */
    @Override
    public String toString() {
        return kind.scheme + "://" + (user == null ? "" : user + ":***@") + address
                + (source == null ? "" : " (from " + source + ")");
    }
}
